"""The moderation tool: paste or upload a page, see its labelled blocks, correct a label.

Server-rendered, so the page works without JavaScript; the one static script only turns each
block's "save" form into a fetch to ``POST /v1/feedback`` so the moderator keeps their place.
Corrections already stored show up on the blocks (``data-corrected``) whenever the same text is
classified again, and the latest ones are listed under the form.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from ..batch.sources import input_kind
from ..read import KINDS
from .app import ClassifyJob, ServiceState
from .example import EXAMPLE_PAGE
from .render import (
    blocks_of,
    render_document,
    render_form,
    render_message,
    render_recent,
    render_result,
    render_review,
)
from .review import read_review_page
from .schemas import FeedbackIn

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

#: Pasted text longer than this is not echoed back into the textarea (the page would double).
_ECHO_MAX_CHARS = 1_000_000


def _state(request: Request) -> ServiceState:
    state: ServiceState = request.app.state.pagesieve
    return state


def _html(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(body, status_code=status)


def _cross_site(request: Request) -> bool:
    """True for a browser form posted from another origin (CSRF), which must not be served.

    Browsers send ``Sec-Fetch-Site`` (and ``Origin``) with every form POST; only same-origin or
    user-initiated ("none") posts are taken. Tools such as curl send neither and are let through.
    (``POST /v1/feedback`` needs ``application/json``, which another site cannot send without a
    CORS preflight this app never grants.)
    """
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site not in ("same-origin", "none")
    origin = request.headers.get("origin")
    if origin is None:
        return False
    return urlsplit(origin).netloc.lower() != request.headers.get("host", "").lower()


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, example: bool = Query(False)) -> HTMLResponse:
    """The form; ``?example=1`` fills it with a made-up page that has every label on it."""
    state = _state(request)
    recent = await run_in_threadpool(state.store.recent, 20)
    form = render_form(EXAMPLE_PAGE if example else "", "text" if example else "auto")
    return _html(render_document("Classify a page", form + render_recent(recent)))


@router.post("/", response_class=HTMLResponse)
async def classify_form(request: Request) -> HTMLResponse:
    state = _state(request)
    if _cross_site(request):
        err = render_form(error="Refused: the form was sent from another site.")
        return _html(render_document("Classify a page", err), 403)
    try:
        form = await request.form(max_files=1, max_fields=10, max_part_size=state.max_body_bytes)
    except HTTPException as exc:
        return _html(
            render_document("Classify a page", render_form(error=str(exc.detail))),
            exc.status_code,
        )
    page = form.get("page")
    kind = form.get("kind") or "auto"
    upload = form.get("file")
    pasted = page if isinstance(page, str) else ""
    if not isinstance(kind, str) or kind not in KINDS:
        kind = "auto"

    data: bytes | str
    page_kind = kind  # the form shows what was chosen; the page is read as `page_kind`
    from_file = isinstance(upload, UploadFile) and bool(upload.filename)
    if isinstance(upload, UploadFile) and upload.filename:
        # By the file's suffix, as `pagesieve classify FILE` and `clean` read it.
        container = input_kind(upload.filename)
        if container in ("jsonl", "warc"):
            form_html = render_form(
                "", kind, f"{upload.filename} is a {str(container).upper()} file of many pages; "
                f"clean it with `pagesieve clean {upload.filename} -o OUTDIR`.")
            return _html(render_document("Classify a page", form_html), 400)
        if kind == "auto" and container is not None:
            page_kind = str(container)
        data, source = await upload.read(), upload.filename
    else:
        data, source = pasted, "pasted page"
    echo = pasted if len(pasted) <= _ECHO_MAX_CHARS else ""
    if (isinstance(data, str) and not data.strip()) or (isinstance(data, bytes) and not data):
        form_html = render_form(echo, kind, "Paste a page or choose a file first.")
        return _html(render_document("Classify a page", form_html), 400)

    job = ClassifyJob(data=data, kind=page_kind, source=source)
    try:
        record = await run_in_threadpool(state.classify, job)
    except HTTPException as exc:
        form_html = render_form(echo, kind, f"Could not classify this page: {exc.detail}")
        return _html(render_document("Classify a page", form_html), exc.status_code)
    texts = [str(b.get("text", "")) for b in record.get("blocks", [])]
    corrections = await run_in_threadpool(state.store.latest_for, texts)
    recent = await run_in_threadpool(state.store.recent, 20)
    # both a file and pasted text: the file is read; say so (the text was left out silently)
    note = (f"Classified the file {source}; the pasted text was left out."
            if from_file and pasted.strip() else None)
    body = (render_form(echo, kind, note) + render_result(record, corrections)
            + render_recent(recent))
    return _html(render_document(f"Blocks of {source}", body))


@router.post("/moderate/feedback", response_class=HTMLResponse)
async def feedback_form(request: Request) -> HTMLResponse:
    """The no-JavaScript path of a block's "save" button."""
    state = _state(request)
    if _cross_site(request):
        return _html(
            render_message("Not saved", "Refused: the form was sent from another site."), 403
        )
    try:
        form = await request.form(max_files=0, max_fields=10, max_part_size=state.max_body_bytes)
        fields: dict[str, Any] = {
            k: v for k, v in form.items() if isinstance(v, str) and k in FeedbackIn.model_fields
        }
        if not fields.get("source"):
            fields.pop("source", None)
        if not fields.get("predicted"):
            fields.pop("predicted", None)
        item = FeedbackIn.model_validate(fields)
    except HTTPException as exc:
        return _html(render_message("Not saved", str(exc.detail)), exc.status_code)
    except ValidationError as exc:
        reasons = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        return _html(render_message("Not saved", f"Correction not saved: {reasons}"), 422)
    await run_in_threadpool(
        state.store.add, item.text, item.label, source=item.source, predicted=item.predicted
    )
    state.metrics.feedback.labels(item.label).inc()
    return _html(render_message("Saved", f"Saved: this block is now labelled {item.label}."))


@router.get("/review", response_class=HTMLResponse)
async def review(
    request: Request,
    page: int = Query(1, ge=1, le=100_000),
    max_quality: float = Query(0.5, ge=0.0, le=1.0),
) -> HTMLResponse:
    state = _state(request)
    folder = state.review_dir
    if folder is None or not folder.is_dir():
        body = render_review(
            [], {}, folder=None, page=page, has_next=False, max_quality=max_quality, bad_lines=0
        )
        return _html(body)
    result = await run_in_threadpool(
        read_review_page, folder, page=page, per_page=10, max_quality=max_quality
    )
    texts = [str(b.get("text", "")) for _, _, rec in result.items for b in blocks_of(rec)]
    corrections = await run_in_threadpool(state.store.latest_for, texts)
    return _html(
        render_review(
            result.items,
            corrections,
            folder=str(folder),
            page=page,
            has_next=result.has_next,
            max_quality=max_quality,
            bad_lines=result.bad_lines,
        )
    )
