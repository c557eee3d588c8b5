"""Pure ASGI middleware: the body limit, security headers, and request metrics.

They are plain ASGI (not Starlette's BaseHTTPMiddleware) so the body limit can count bytes as
they stream in: a chunked upload without Content-Length is cut off at the limit instead of being
buffered whole first.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.exceptions import HTTPException
from starlette.routing import Match

from .metrics import Metrics
from .render import render_message

__all__ = [
    "BodyLimitMiddleware", "HeadAsGetMiddleware", "HeadersAndMetricsMiddleware", "PayloadTooLarge",
    "ShutdownMiddleware",
]

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
    await _send(send, status, json.dumps(payload).encode("utf-8"), b"application/json")


async def _send(
    send: Send, status: int, body: bytes, content_type: bytes,
    headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode("ascii")),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body, "more_body": False})


class _TrackedSend:
    """`send`, noting whether the response has started: after that an error can no longer be
    answered with a response of its own."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self.started = False

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.started = True
        await self._send(message)


def _wants_html(scope: Scope) -> bool:
    """A browser navigating (a form posted, a page opened) asks for HTML first; API clients
    do not. Such a request gets its refusals as a page, not as JSON to read."""
    for name, value in scope.get("headers", []):
        if name == b"accept":
            return value.split(b",", 1)[0].strip().startswith(b"text/html")
    return False


class ShutdownMiddleware:
    """A request still running when the server stops (uvicorn cancels it once its graceful
    shutdown time is over) is answered 503 with Retry-After, so the client knows to send it
    again: it was a 500 and an "Exception in ASGI application" traceback per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        tracked = _TrackedSend(send)
        try:
            await self.app(scope, receive, tracked)
        except asyncio.CancelledError:
            if tracked.started:
                raise
            body = json.dumps({"detail": "the server is shutting down; send it again"})
            await _send(send, 503, body.encode("utf-8"), b"application/json",
                        [(b"retry-after", b"5"), (b"connection", b"close")])


class HeadAsGetMiddleware:
    """Answer HEAD wherever GET is answered: the same status and headers, no body. FastAPI's
    routes take only the methods they name (`/`, `/review`, `/metrics` answered HEAD with
    405); uptime checks and link checkers send HEAD."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        as_get = {**scope, "method": "GET"}
        try:
            await self.app(as_get, receive, headers_only)
        finally:
            if "route" in as_get:  # for the metrics, which read the route from `scope`
                scope["route"] = as_get["route"]


class BodyLimitMiddleware:
    """Answer 413 for bodies over `max_body_bytes`, declared (Content-Length) or streamed.

    The rest of an oversized body is left to the server, which reads and discards it after the
    response (uvicorn does), so the client still gets its 413 instead of a reset connection.
    """

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def _too_large(self, scope: Scope, send: Send) -> None:
        detail = str(PayloadTooLarge(self.max_body_bytes).detail)
        if _wants_html(scope):  # a moderator's upload: a page saying so, not JSON
            page = render_message("Too large", f"Not read: the {detail}.", back="/")
            await _send(send, 413, page.encode("utf-8"), b"text/html; charset=utf-8")
        else:
            await _send_json(send, 413, {"detail": detail})

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
                    await self._too_large(scope, send)
                    return

        seen = 0

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body_bytes:
                    raise PayloadTooLarge(self.max_body_bytes)
            return message

        tracked = _TrackedSend(send)
        try:
            await self.app(scope, limited_receive, tracked)
        except PayloadTooLarge:
            if tracked.started:  # a streaming response already began; nothing sane left to send
                raise
            await self._too_large(scope, send)


def _route_of(scope: Scope, request: Scope) -> str:
    """The route template (``/v1/classify``), never the raw path, to keep label sets small.

    FastAPI's own routes leave themselves in the `scope` (`HeadAsGetMiddleware` passes them
    on); Starlette's (``/openapi.json``, the ``/static`` mount) do not, nor does a method not
    allowed, so those are matched again against the `request` as it came in (a mount
    rewrites the scope's paths for what it holds)."""
    route = scope.get("route")
    if route is None:
        if request.get("method") == "HEAD":  # answered as GET (`HeadAsGetMiddleware`)
            request = {**request, "method": "GET"}
        route = _match(getattr(getattr(scope.get("app"), "router", None), "routes", ()),
                       request)
    path = getattr(route, "path", None)
    return path if isinstance(path, str) and path else "unmatched"


def _match(routes: Any, request: Scope) -> Any:
    """The route that answers `request`, or else one whose path matches but not its method (a
    405)."""
    partial = None
    for candidate in routes:
        match = candidate.matches(request)[0]
        if match is Match.FULL:
            return candidate
        if match is Match.PARTIAL and partial is None:
            partial = candidate
    return partial


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
