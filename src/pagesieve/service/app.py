"""The HTTP API: a thin FastAPI shell over `classify_page`, plus the moderation tool.

Design choices that keep "no input produces a 5xx" true:
- the body limit is enforced by a pure ASGI middleware while the body streams in (413);
- `/v1/classify` reads and parses its own body, so broken JSON, a 100k-deep nesting, a wrong
  Content-Type or a bad charset are all reported as 4xx with a reason;
- validation errors are answered without echoing the input (it may be 10 MB, or hold lone
  surrogates that cannot be encoded), and every JSON response falls back to ASCII escapes when
  the payload holds such characters;
- only `PagesieveError` from the core maps to 4xx; anything else is a bug and stays a 500.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import itertools
import json
import logging
import os
import re
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any

from fastapi import Body, FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    Response,
    StreamingResponse,
)
from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect
from starlette.staticfiles import StaticFiles

from ..errors import InputTooLarge, ModelError, PagesieveError
from ..limits import Limits
from ..types import record_json
from .feedback import FeedbackStore
from .metrics import CONTENT_TYPE_LATEST, Metrics
from .middleware import (
    BodyLimitMiddleware,
    HeadAsGetMiddleware,
    HeadersAndMetricsMiddleware,
    ShutdownMiddleware,
)
from .render import render_message
from .schemas import (
    MAX_BATCH,
    BatchErrorOut,
    ClassifyIn,
    CorrectionOut,
    ErrorOut,
    FeedbackIn,
    RawParams,
    RecordOut,
)

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "PAGE_CSP",
    "ClassifyJob",
    "SafeJSONResponse",
    "ServiceState",
    "create_app",
    "create_app_from_env",
]

log = logging.getLogger("pagesieve.service")

DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024

#: The policy of every response except the Swagger page: nothing inline, nothing third-party.
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)

_JSON_TYPES = ("application/json",)
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_TEXT_TYPES = ("text/plain",)
_CHARSET_RE = re.compile(r"^[A-Za-z0-9._:+-]{1,64}$")


class SafeJSONResponse(JSONResponse):
    """UTF-8 JSON, or ASCII-escaped JSON when the payload holds lone surrogates."""

    def render(self, content: Any) -> bytes:
        return record_json(content, separators=(",", ":")).encode("utf-8")


@dataclass(frozen=True, slots=True)
class ClassifyJob:
    """One page to classify, whatever shape it arrived in."""

    data: bytes | str
    kind: str = "auto"
    url: str | None = None
    source: str | None = None
    id: str | int | None = None
    keep: tuple[str, ...] | None = None
    http_charset: str | None = None


@dataclass
class ServiceState:
    """Everything a request needs: the model, the store, metrics and limits."""

    store: FeedbackStore
    metrics: Metrics
    limits: Limits
    max_body_bytes: int
    model_path: str | None = None
    review_dir: Path | None = None
    model: Any = None
    model_error: str | None = "model not loaded yet"
    model_info: dict[str, Any] = field(default_factory=dict)

    def load_model(self) -> None:
        """Load the model once; a failure is recorded for /readyz instead of crashing startup."""
        try:
            from ..model import load_model

            # Warm the lookup tables here, so the first request does not pay for them.
            self.model = load_model(self.model_path).warm()
        except Exception as exc:  # any failure: stay up, report not-ready with the reason
            self.model, self.model_error = None, f"{type(exc).__name__}: {exc}"
            log.error("model not loaded: %s", self.model_error, exc_info=True)
            return
        self.model_error = None
        self.model_info = _model_info(self.model, self.model_path)

    def classify(self, job: ClassifyJob) -> dict[str, Any]:
        """Run the core on one page; raises `HTTPException` (4xx/503) for refused input."""
        if self.model is None:
            raise HTTPException(503, f"model not available: {self.model_error}")
        from ..classify import classify_page

        kwargs: dict[str, Any] = {}
        if job.keep is not None:
            kwargs["keep"] = job.keep
        try:
            result = classify_page(
                job.data,
                kind=job.kind,  # type: ignore[arg-type]
                source=job.source,
                url=job.url,
                http_charset=job.http_charset,
                model=self.model,
                limits=self.limits,
                extra={"id": job.id} if job.id is not None else None,
                **kwargs,
            )
        except PagesieveError as exc:
            raise HTTPException(_status_for(exc), str(exc) or type(exc).__name__) from exc
        record = result.to_dict(blocks=True, why=True)
        self.metrics.observe_page((b["label"] for b in record.get("blocks", [])), result.spam)
        return record


def _status_for(exc: PagesieveError) -> int:
    if isinstance(exc, InputTooLarge):
        return 413
    if isinstance(exc, ModelError):
        return 503
    return 422


def _model_info(model: Any, path: str | None) -> dict[str, Any]:
    from ..model import default_model_path

    info: dict[str, Any] = {"path": str(path) if path else str(default_model_path())}
    manifest = getattr(model, "manifest", None)
    if isinstance(manifest, dict):
        for key in ("sha256", "version", "created", "trained_at", "versions"):
            if key in manifest:
                info[key] = manifest[key]
    return jsonable_encoder(info)


def _content_type(value: str | None) -> tuple[str, dict[str, str]]:
    """``text/html; charset=GBK`` to (``text/html``, {"charset": "GBK"})."""
    if not value:
        return "", {}
    main, _, rest = value.partition(";")
    params: dict[str, str] = {}
    for part in rest.split(";"):
        k, sep, v = part.partition("=")
        if sep:
            params[k.strip().lower()] = v.strip().strip("\"'").strip()  # charset='gbk' too
    return main.strip().lower(), params


def _parse_json(body: bytes) -> Any:
    if not body.strip():
        raise HTTPException(400, 'empty body: send a JSON object such as {"text": "..."}')
    try:
        return json.loads(body)
    except RecursionError as exc:
        raise HTTPException(400, "body is not usable JSON: nested too deeply") from exc
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
        raise HTTPException(400, f"body is not valid JSON: {exc}"[:300]) from exc


def _errors(exc: ValidationError | RequestValidationError) -> list[dict[str, Any]]:
    """Validation errors without the offending input (it may be huge or unencodable)."""
    out = []
    for e in exc.errors():
        loc = [p if isinstance(p, int | str) else str(p) for p in e.get("loc", ())]
        out.append({"loc": loc, "msg": str(e.get("msg", ""))[:300], "type": e.get("type")})
    return out


def _swagger_page(title: str) -> tuple[HTMLResponse, str]:
    """The Swagger UI page and a CSP that allows exactly its inline script, by hash."""
    page = get_swagger_ui_html(openapi_url="/openapi.json", title=f"{title} - API docs")
    body = bytes(page.body).decode("utf-8")
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode() + "'"
        for s in re.findall(r"<script>(.*?)</script>", body, flags=re.S)
    ]
    csp = (
        f"default-src 'none'; script-src https://cdn.jsdelivr.net {' '.join(hashes)}; "
        "style-src https://cdn.jsdelivr.net 'unsafe-inline'; "
        "img-src 'self' data: https://fastapi.tiangolo.com; connect-src 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    )
    return page, csp


_CLASSIFY_OPENAPI: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/ClassifyIn"}},
            "text/html": {
                "schema": {"type": "string", "format": "binary"},
                "description": "Raw page bytes; the charset parameter is a hint that is checked.",
            },
            "text/plain": {"schema": {"type": "string", "format": "binary"}},
        },
    },
    "parameters": [
        {
            "name": n,
            "in": "query",
            "required": False,
            "schema": {"type": "string"},
            "description": d,
        }
        for n, d in (
            ("keep", "raw bodies: comma-separated labels to keep"),
            ("url", "raw bodies: the page URL (never fetched)"),
            ("source", "raw bodies: a name for the page"),
            ("id", "raw bodies: your id, echoed back"),
            ("kind", "raw bodies: auto, html or text (default: from the Content-Type)"),
        )
    ],
}


def create_app(
    model_path: str | Path | None = None,
    database_url: str | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    review_dir: str | Path | None = None,
) -> FastAPI:
    """Build the app. The model is loaded at startup (lifespan); `/readyz` reports it.

    `database_url` defaults to ``PAGESIEVE_DATABASE_URL`` or a SQLite file (see feedback.py);
    `review_dir` is a ``pagesieve clean`` output folder for the review queue.
    """
    if max_body_bytes <= 0:
        raise ValueError("max_body_bytes must be positive")
    metrics = Metrics()
    state = ServiceState(
        store=FeedbackStore(database_url),
        metrics=metrics,
        limits=dataclasses.replace(Limits.from_env(), max_bytes=max_body_bytes),
        max_body_bytes=max_body_bytes,
        model_path=str(model_path) if model_path is not None else None,
        review_dir=Path(review_dir) if review_dir else None,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(state.load_model)
        yield
        state.store.dispose()

    app = FastAPI(
        title="pagesieve",
        summary="Label the blocks of crawled Chinese web pages: content, comment, related, ad, "
        "boilerplate.",
        version=_version(),
        docs_url=None,
        redoc_url=None,
        # `/v1/classify/` is not found (404): the redirect to its other spelling named
        # whatever host the request said (a Host header set by a client: an open redirect)
        redirect_slashes=False,
        lifespan=lifespan,
        default_response_class=SafeJSONResponse,
    )
    app.state.pagesieve = state
    swagger, swagger_csp = _swagger_page("pagesieve")

    def csp_for(path: str) -> str:
        return swagger_csp if path == "/docs" else PAGE_CSP

    app.add_middleware(HeadAsGetMiddleware)  # innermost: the metrics still say HEAD
    app.add_middleware(ShutdownMiddleware)
    app.add_middleware(BodyLimitMiddleware, max_body_bytes=max_body_bytes)
    app.add_middleware(HeadersAndMetricsMiddleware, metrics=metrics, csp_for=csp_for)

    @app.exception_handler(RequestValidationError)
    async def _on_validation(request: Request, exc: RequestValidationError) -> Response:
        errors = _errors(exc)
        if getattr(request.scope.get("route"), "response_class", None) is HTMLResponse:
            # a moderation page (`/review?page=x`): a person in a browser reads the answer
            reasons = "; ".join(
                f"{'.'.join(str(p) for p in e['loc'][1:]) or 'request'}: {e['msg']}"
                for e in errors
            )
            page = render_message("Bad request", f"Not understood: {reasons}.",
                                  back=request.url.path)
            return HTMLResponse(page, status_code=422)
        return SafeJSONResponse({"detail": errors}, status_code=422)

    @app.exception_handler(ClientDisconnect)
    async def _on_disconnect(_r: Request, _exc: ClientDisconnect) -> Response:
        # the client left mid-upload: nobody to answer, nothing wrong here (it was a 500 and an
        # error in the log); 499 is how proxies count it
        return Response(status_code=499)

    @app.exception_handler(HTTPException)
    async def _on_http(_r: Request, exc: HTTPException) -> Response:
        return SafeJSONResponse(
            {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
        )

    @app.exception_handler(SQLAlchemyError)
    async def _on_database(_r: Request, exc: SQLAlchemyError) -> Response:
        # the page's work is done or refused, but the corrections cannot be read or stored
        log.error("feedback database error: %s", exc)
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        return SafeJSONResponse(
            {"detail": f"feedback database unavailable: {first}"[:300]}, status_code=503
        )

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return swagger

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> Response:
        return Response(status_code=204)

    @app.get("/healthz", tags=["ops"], summary="The process is up.")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", tags=["ops"], summary="The model is loaded and the database answers.")
    async def readyz() -> Response:
        db_ok = await run_in_threadpool(_db_ok, state.store)
        ready = state.model is not None and db_ok
        body: dict[str, Any] = {"ready": ready, "model": state.model_info or None}
        if state.model is None:
            body["reason"] = f"model not loaded: {state.model_error}"
        elif not db_ok:
            body["reason"] = "feedback database unavailable"
        return SafeJSONResponse(body, status_code=200 if ready else 503)

    # HEAD too (load balancers and uptime checkers probe with it), kept out of the schema,
    # where it would repeat the GET operations' ids
    app.add_api_route("/healthz", healthz, methods=["HEAD"], include_in_schema=False)
    app.add_api_route("/readyz", readyz, methods=["HEAD"], include_in_schema=False)

    @app.get("/metrics", tags=["ops"], summary="Prometheus metrics.",
             response_class=PlainTextResponse)
    async def metrics_endpoint() -> Response:
        return Response(metrics.render(), media_type=CONTENT_TYPE_LATEST)

    @app.post(
        "/v1/classify",
        tags=["classify"],
        summary="Classify one page (JSON, or a raw text/html or text/plain body).",
        openapi_extra=_CLASSIFY_OPENAPI,
        response_model=None,
        responses={200: {"model": RecordOut, "description": "The page's record."},
                   **_ERRORS},
    )
    async def classify(request: Request) -> Response:
        job = await _job_from_request(request)
        record = await run_in_threadpool(state.classify, job)
        return SafeJSONResponse(record)

    @app.post(
        "/v1/classify/batch",
        tags=["classify"],
        summary="Classify a list of pages; a refused page gets an error entry, not a failure.",
        response_model=None,
        responses={200: {"model": list[RecordOut | BatchErrorOut],
                         "description": "One entry a page, in order."}, **_ERRORS},
    )
    async def classify_batch(
        pages: Annotated[list[ClassifyIn], Body(max_length=MAX_BATCH)],
    ) -> Response:
        jobs = [_job_from_model(p) for p in pages]
        out = await run_in_threadpool(_classify_many, state, jobs)
        return SafeJSONResponse(out)

    @app.post(
        "/v1/feedback",
        tags=["feedback"],
        summary="Store a moderator's correction of a block's label.",
        status_code=201,
        response_model=None,
        responses={201: {"model": CorrectionOut, "description": "The stored correction."},
                   **{code: _ERRORS[code] for code in (400, 413)},
                   503: {"model": ErrorOut, "description": "The database cannot be written."}},
    )
    async def feedback(item: FeedbackIn) -> Response:
        stored = await run_in_threadpool(
            state.store.add, item.text, item.label, source=item.source, predicted=item.predicted
        )
        metrics.feedback.labels(item.label).inc()
        return SafeJSONResponse(stored.to_dict(), status_code=201)

    @app.get(
        "/v1/feedback/export",
        tags=["feedback"],
        summary="Every stored correction as JSON Lines, oldest first.",
        response_class=StreamingResponse,
        responses={200: {"content": {"application/x-ndjson": {}},
                         "description": "One correction a line."},
                   503: {"model": ErrorOut, "description": "The database cannot be read."}},
    )
    async def feedback_export() -> StreamingResponse:
        # The first batch is read before the status line goes out, so a database that fails
        # answers 503 rather than a 200 whose body breaks off (later failures still can).
        rows = state.store.iter_all()
        first = await run_in_threadpool(next, rows, None)

        def lines() -> Iterator[bytes]:
            if first is None:
                return
            for c in itertools.chain((first,), rows):
                yield (json.dumps(c.to_dict(), ensure_ascii=False) + "\n").encode("utf-8")

        return StreamingResponse(lines(), media_type="application/x-ndjson; charset=utf-8")

    from .moderation import router as moderation_router

    app.include_router(moderation_router)
    app.mount("/static", StaticFiles(directory=str(_static_dir())), name="static")
    return app


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("pagesieve")
    except Exception:  # not installed (running from a source tree)
        return "0+unknown"


def _static_dir() -> Path:
    return Path(str(files("pagesieve").joinpath("static")))


def _db_ok(store: FeedbackStore) -> bool:
    try:
        store.count()
    except Exception:  # any driver error means "not ready", which is what we report
        log.exception("feedback database check failed")
        return False
    return True


def _job_from_model(req: ClassifyIn) -> ClassifyJob:
    return ClassifyJob(
        data=req.data,
        kind=req.kind,
        url=req.url,
        source=req.source,
        id=req.id,
        keep=tuple(req.keep) if isinstance(req.keep, list) else None,
    )


#: The refusals /v1/classify documents (the body of each: ``{"detail": ...}``).
_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut, "description": why}
    for code, why in [
        (400, "Unusable body: empty, not JSON, a bad charset."),
        (413, "The body is over the service's limit."),
        (415, "A content type the service does not read."),
        (422, "A page refused: undecodable, over a limit, an unknown label or field."),
        (503, "The model is not loaded."),
    ]
}


async def _job_from_request(request: Request) -> ClassifyJob:
    ctype, params = _content_type(request.headers.get("content-type"))
    if ctype in _HTML_TYPES or ctype in _TEXT_TYPES:
        try:
            query: dict[str, Any] = dict(request.query_params)
            keeps = request.query_params.getlist("keep")
            if len(keeps) > 1:  # ?keep=content&keep=comment: every one counts, not the last
                query["keep"] = ",".join(keeps)
            q = RawParams.model_validate(query)
        except ValidationError as exc:
            raise RequestValidationError(exc.errors()) from exc
        charset = params.get("charset")
        charset = charset or None  # `charset=` says nothing, as http_charset="" does
        if charset is not None and not _CHARSET_RE.match(charset):
            raise HTTPException(400, "charset parameter is not a valid encoding label")
        body = await request.body()
        default_kind = "html" if ctype in _HTML_TYPES else "text"
        return ClassifyJob(
            data=body,
            kind=q.kind or default_kind,
            url=q.url,
            source=q.source,
            id=q.id,
            keep=tuple(q.keep) if isinstance(q.keep, list) else None,
            http_charset=charset,
        )
    if ctype and ctype not in _JSON_TYPES and not ctype.endswith("+json"):
        raise HTTPException(
            415,
            'unsupported Content-Type; send application/json ({"text"} or {"html"}), '
            "text/html or text/plain",
        )
    payload = _parse_json(await request.body())
    try:
        req = ClassifyIn.model_validate(payload)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors()) from exc
    return _job_from_model(req)


def _classify_many(state: ServiceState, jobs: list[ClassifyJob]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i, job in enumerate(jobs):
        try:
            out.append(state.classify(job))
        except HTTPException as exc:
            if exc.status_code == 503:
                raise
            out.append({"index": i, "id": job.id, "error": exc.detail, "status": exc.status_code})
    return out


def create_app_from_env() -> FastAPI:
    """Factory for ``uvicorn --factory`` (and several workers): settings from the environment.

    ``PAGESIEVE_MODEL``, ``PAGESIEVE_DATABASE_URL``, ``PAGESIEVE_MAX_BODY_BYTES``,
    ``PAGESIEVE_REVIEW_DIR``.
    """
    raw_limit = os.environ.get("PAGESIEVE_MAX_BODY_BYTES", "").strip()
    return create_app(
        model_path=os.environ.get("PAGESIEVE_MODEL") or None,
        database_url=os.environ.get("PAGESIEVE_DATABASE_URL") or None,
        max_body_bytes=int(raw_limit) if raw_limit else DEFAULT_MAX_BODY_BYTES,
        review_dir=os.environ.get("PAGESIEVE_REVIEW_DIR") or None,
    )
