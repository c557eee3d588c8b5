"""Pure ASGI middleware: the body limit, security headers, and request metrics.

They are plain ASGI (not Starlette's BaseHTTPMiddleware) so the body limit can count bytes as
they stream in: a chunked upload without Content-Length is cut off at the limit instead of being
buffered whole first.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.exceptions import HTTPException
from starlette.routing import Match

from .metrics import Metrics

__all__ = ["BodyLimitMiddleware", "HeadersAndMetricsMiddleware", "PayloadTooLarge"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class PayloadTooLarge(HTTPException):
    """Raised inside `receive` once the streamed body passes the limit.

    An `HTTPException` so FastAPI's own body parsing re-raises it as the 413 it is, instead of
    folding it into a generic 400 "error parsing the body".
    """

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body is larger than the limit of {limit:,} bytes")


async def _send_json(send: Send, status: int, payload: dict[str, Any]) -> None:
    body = json.dumps(payload).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode("ascii")),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body, "more_body": False})


class BodyLimitMiddleware:
    """Answer 413 for bodies over `max_body_bytes`, declared (Content-Length) or streamed.

    The rest of an oversized body is left to the server, which reads and discards it after the
    response (uvicorn does), so the client still gets its 413 instead of a reset connection.
    """

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    def _too_large(self) -> dict[str, Any]:
        return {"detail": PayloadTooLarge(self.max_body_bytes).detail}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await _send_json(send, 400, {"detail": "Content-Length is not a number"})
                    return
                if declared > self.max_body_bytes:
                    await _send_json(send, 413, self._too_large())
                    return

        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body_bytes:
                    raise PayloadTooLarge(self.max_body_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except PayloadTooLarge:
            if started:  # a streaming response already began; nothing sane left to send
                raise
            await _send_json(send, 413, self._too_large())


def _route_of(scope: Scope, request: Scope) -> str:
    """The route template (``/v1/classify``), never the raw path, to keep label sets small.

    FastAPI's own routes leave themselves in the `scope`; Starlette's (``/openapi.json``, the
    ``/static`` mount) do not, so those are matched again against the `request` as it came in
    (a mount rewrites the scope's paths for what it holds)."""
    route = scope.get("route")
    if route is None:
        for candidate in getattr(getattr(scope.get("app"), "router", None), "routes", ()):
            if candidate.matches(request)[0] is Match.FULL:
                route = candidate
                break
    path = getattr(route, "path", None)
    return path if isinstance(path, str) and path else "unmatched"


class HeadersAndMetricsMiddleware:
    """Add CSP and other security headers to every response, and record request metrics.

    `csp_for(path)` picks the policy: strict everywhere, a hashed one for the Swagger page.
    """

    def __init__(
        self,
        app: ASGIApp,
        metrics: Metrics,
        csp_for: Callable[[str], str],
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.csp_for = csp_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        t0 = time.perf_counter()
        request = dict(scope)  # as it came in: the app's routing adds to and rewrites `scope`
        status = 500
        csp = self.csp_for(scope.get("path", "")).encode("ascii")

        async def wrapped_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.lower() != b"content-security-policy"
                ]
                headers += [
                    (b"content-security-policy", csp),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"same-origin"),
                    (b"x-frame-options", b"DENY"),
                ]
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, wrapped_send)
        finally:
            self.metrics.observe_request(
                scope.get("method", ""), _route_of(scope, request), status, time.perf_counter() - t0
            )
