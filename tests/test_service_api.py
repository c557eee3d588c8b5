"""The HTTP API and the moderation page through FastAPI's TestClient, on the shipped model.

Covers every endpoint, the body limit (declared and chunked), bad bodies (each a 4xx with a
reason, never a 5xx), GBK raw bodies, the CSP header, escaping of crawled markup, and the feedback
store across app restarts and concurrent writers.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the serve extra is not installed")
pytest.importorskip("sqlalchemy", reason="the serve extra is not installed")

from fastapi.testclient import TestClient

from pagesieve.classify import classify_page
from pagesieve.service import create_app
from pagesieve.service.example import EXAMPLE_AD_MARKERS, EXAMPLE_PAGE, example_html
from pagesieve.service.feedback import FeedbackStore, export_corrections
from pagesieve.service.middleware import BodyLimitMiddleware
from pagesieve.types import LABELS

REPO = Path(__file__).resolve().parents[1]


def _model_path() -> Path:
    env = os.environ.get("PAGESIEVE_MODEL")
    return Path(env) if env else REPO / "models" / "pagesieve.joblib"


@pytest.fixture(scope="module")
def model_path() -> Path:
    p = _model_path()
    if not p.is_file():
        pytest.skip(f"needs the trained model at {p} (run `make model`)")
    return p


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'feedback.db'}"


@pytest.fixture
def client(model_path: Path, db_url: str) -> Iterator[TestClient]:
    app = create_app(model_path=model_path, database_url=db_url, max_body_bytes=64 * 1024)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def _detail(r: Any) -> Any:
    body = r.json()
    assert "detail" in body, body
    assert body["detail"], body
    return body["detail"]


# --- ops endpoints ---------------------------------------------------------------------------


def test_healthz_and_readyz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    r = client.get("/readyz")
    assert r.status_code == 200
    body = r.json()
    assert body["ready"] is True
    assert body["model"]["sha256"]


def test_health_probes_answer_head(client: TestClient) -> None:
    for path in ("/healthz", "/readyz"):
        r = client.head(path)
        assert r.status_code == 200 and r.content == b"", (path, r.status_code)


def test_an_integer_id_is_echoed_as_clean_echoes_a_jsonl_id(client: TestClient) -> None:
    r = client.post("/v1/classify", json={"text": "第一段正文。", "id": 7})
    assert r.status_code == 200 and r.json()["id"] == 7, r.text
    assert client.post("/v1/classify", json={"text": "第一段", "id": True}).status_code == 422
    assert client.post("/v1/classify", json={"text": "第一段", "id": 1.5}).status_code == 422


def test_startup_warms_the_model(client: TestClient) -> None:
    # The lookup tables are built at start-up, not by the first request.
    model = client.app.state.pagesieve.model  # type: ignore[attr-defined]
    compiled = model.compiled
    if compiled is None:
        pytest.skip("the model predicts through scikit-learn (PAGESIEVE_COMPILED=0)")
    assert compiled._bigrams is not None


def test_readyz_reports_a_missing_model(tmp_path: Path, db_url: str) -> None:
    app = create_app(model_path=tmp_path / "absent.joblib", database_url=db_url)
    with TestClient(app, raise_server_exceptions=False) as c:
        assert c.get("/healthz").status_code == 200
        r = c.get("/readyz")
        assert r.status_code == 503
        assert "absent.joblib" in r.json()["reason"]
        r = c.post("/v1/classify", json={"text": "你好"})
        assert r.status_code == 503
        assert "model" in _detail(r)


def test_metrics_count_requests_latency_and_labels(client: TestClient) -> None:
    assert client.post("/v1/classify", json={"text": EXAMPLE_PAGE}).status_code == 200
    assert client.post("/v1/classify", content=b"{", headers={"content-type": "application/json"})
    r = client.get("/metrics")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain")
    text = r.text
    ok = 'pagesieve_http_requests_total{method="POST",route="/v1/classify",status="200"} 1.0'
    assert ok in text
    assert 'route="/v1/classify",status="400"' in text
    assert 'pagesieve_http_request_duration_seconds_bucket{le="0.5",route="/v1/classify"}' in text
    assert 'pagesieve_blocks_total{label="content"}' in text
    assert "pagesieve_pages_total" in text


def test_metrics_name_starlette_routes_and_mounts_not_unmatched(client: TestClient) -> None:
    """`/openapi.json` and the `/static` mount are Starlette routes, which leave no route in
    the scope: they were counted under route="unmatched" with the 404s."""
    for path in ("/openapi.json", "/static/moderation.css", "/static/absent.css", "/absent"):
        client.get(path)
    text = client.get("/metrics").text
    assert 'route="/openapi.json",status="200"} 1.0' in text
    assert 'route="/static",status="200"} 1.0' in text
    assert 'route="/static",status="404"} 1.0' in text
    assert 'route="unmatched",status="404"} 1.0' in text  # only /absent
    assert 'route="unmatched",status="200"' not in text


def test_docs_and_openapi(client: TestClient) -> None:
    r = client.get("/docs")
    assert r.status_code == 200
    assert "swagger-ui" in r.text
    csp = r.headers["content-security-policy"]
    assert "'sha256-" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    spec = client.get("/openapi.json").json()
    for path in ("/v1/classify", "/v1/classify/batch", "/v1/feedback", "/v1/feedback/export"):
        assert path in spec["paths"], path
    content = spec["paths"]["/v1/classify"]["post"]["requestBody"]["content"]
    assert {"application/json", "text/html", "text/plain"} <= set(content)


def test_openapi_describes_the_answers_as_they_are(client: TestClient) -> None:
    """The documented record holds every field an answer has (its 200 schema was empty), and
    the documented refusals and media types are the ones sent."""
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    op = spec["paths"]["/v1/classify"]["post"]["responses"]
    assert op["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/RecordOut")
    assert {"400", "413", "415", "422", "503"} <= set(op)
    record_fields = set(schemas["RecordOut"]["properties"])
    block_fields = set(schemas["BlockOut"]["properties"])
    for body in ({"text": "第一段正文。\n\n第二段正文。", "id": 3},
                 {"html": "<p>正文</p>", "url": "http://example.com/a"}):
        rec = client.post("/v1/classify", json=body).json()
        assert set(rec) <= record_fields, set(rec) - record_fields
        assert set(schemas["RecordOut"]["required"]) <= set(rec)
        for b in rec["blocks"]:
            assert set(b) <= block_fields, set(b) - block_fields
    r = client.post("/v1/classify", json={"text": "x", "keep": ["spam"]})
    assert r.status_code == 422 and set(r.json()) <= set(schemas["ErrorOut"]["properties"])
    metrics = spec["paths"]["/metrics"]["get"]["responses"]["200"]["content"]
    assert list(metrics) == ["text/plain"]
    assert client.get("/metrics").headers["content-type"].startswith("text/plain")
    export = spec["paths"]["/v1/feedback/export"]["get"]["responses"]["200"]["content"]
    assert "application/x-ndjson" in export
    fb = spec["paths"]["/v1/feedback"]["post"]["responses"]  # it listed only 201 (no schema)
    assert fb["201"]["content"]["application/json"]["schema"]["$ref"].endswith("/CorrectionOut")
    assert {"400", "413", "422", "503"} <= set(fb)
    stored = client.post("/v1/feedback", json={"text": "广告", "label": "ad"}).json()
    assert set(stored) == set(schemas["CorrectionOut"]["properties"])
    assert set(schemas["CorrectionOut"]["required"]) <= set(stored)


# --- classify ----------------------------------------------------------------------------------


def test_classify_text_matches_the_core(client: TestClient, model_path: Path) -> None:
    r = client.post("/v1/classify", json={"text": EXAMPLE_PAGE, "source": "example"})
    assert r.status_code == 200, r.text
    got = r.json()
    want = classify_page(EXAMPLE_PAGE, kind="text", source="example", model=model_path).to_dict()
    assert got == json.loads(json.dumps(want))
    assert got["kind"] == "text"
    assert got["blocks"], "the example page has blocks"
    for b in got["blocks"]:
        assert b["label"] in LABELS
        assert 0.0 <= b["score"] <= 1.0
        assert isinstance(b["start"], int) and isinstance(b["end"], int)
        assert isinstance(b["why"], list)
    ad_blocks = [b for b in got["blocks"] if any(m in b["text"] for m in EXAMPLE_AD_MARKERS)]
    assert ad_blocks and any(b["label"] == "ad" for b in ad_blocks)


def test_classify_html_with_url_keep_and_id(client: TestClient) -> None:
    r = client.post(
        "/v1/classify",
        json={
            "html": example_html(),
            "url": "http://example.com/a.html",
            "keep": ["content", "comment"],
            "id": "page-1",
        },
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["kind"] == "html"
    assert body["url"] == "http://example.com/a.html"
    assert body["id"] == "page-1"
    assert all("xpath" in b for b in body["blocks"])
    r2 = client.post("/v1/classify", json={"html": example_html(), "keep": "content,comment"})
    assert r2.json()["text"] == body["text"]


def test_raw_gbk_html_with_charset(client: TestClient) -> None:
    html = "<html><body><h1>北京发布新规</h1><p>市民朱镕基路过，喆也来了。</p></body></html>"
    r = client.post(
        "/v1/classify?source=gbk-page&keep=content",
        content=html.encode("gb18030"),
        headers={"content-type": "text/html; charset=gb2312"},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["encoding"] in ("gb18030", "gbk")
    assert body["source"] == "gbk-page"
    joined = "".join(b["text"] for b in body["blocks"])
    assert "北京发布新规" in joined and "镕" in joined and "喆" in joined


def test_a_quoted_or_empty_charset_parameter_is_read_as_elsewhere(client: TestClient) -> None:
    """`charset='gbk'` and `charset=` were 400 here while a WARC header or `http_charset=""`
    read them (quoted: the label; empty: no hint)."""
    page = "<p>市民朱镕基路过，喆也来了。今天北京发布了新的规定。</p>".encode("gb18030")
    for value in ("charset='gbk'", "charset=", 'charset="gbk"'):
        r = client.post("/v1/classify", content=page,
                        headers={"content-type": f"text/html; {value}"})
        assert r.status_code == 200, (value, r.text)
        assert "朱镕基" in r.json()["text"]


def test_raw_gbk_text_without_charset_and_utf8_plain(client: TestClient) -> None:
    text = "今天市政府发布了新的城市规划方案，涉及交通和住房建设。专家表示这将推动发展。"
    r = client.post(
        "/v1/classify", content=text.encode("gbk"), headers={"content-type": "text/plain"}
    )
    assert r.status_code == 200, r.text
    assert "城市规划" in "".join(b["text"] for b in r.json()["blocks"])
    r = client.post(
        "/v1/classify",
        content=text.encode("utf-8"),
        headers={"content-type": "text/plain; charset=utf-8"},
    )
    assert r.status_code == 200
    assert r.json()["kind"] == "text"


def test_a_repeated_keep_query_keeps_every_label(client: TestClient) -> None:
    """`?keep=content&keep=ad` keeps both, as `?keep=content,ad` does (only the last counted)."""
    text = "今天市政府发布了新的城市规划方案，涉及交通和住房建设。专家表示这将推动发展。"

    def kept(query: str) -> str:
        r = client.post(f"/v1/classify?{query}", content=text.encode("utf-8"),
                        headers={"content-type": "text/plain; charset=utf-8"})
        assert r.status_code == 200, r.text
        return str(r.json()["text"])

    both = kept("keep=content,ad")
    assert both and kept("keep=content&keep=ad") == both == kept("keep=ad&keep=content")
    assert kept("keep=ad") == ""
    r = client.post("/v1/classify?keep=content&keep=spam", content=text.encode("utf-8"),
                    headers={"content-type": "text/plain; charset=utf-8"})
    assert r.status_code == 422 and "unknown label" in r.text


def test_batch(client: TestClient) -> None:
    r = client.post(
        "/v1/classify/batch",
        json=[{"text": EXAMPLE_PAGE, "id": "a"}, {"html": "<p>你好，世界</p>", "id": "b"}],
    )
    assert r.status_code == 200, r.text
    out = r.json()
    assert [o["id"] for o in out] == ["a", "b"]
    assert out[1]["kind"] == "html"
    assert client.post("/v1/classify/batch", json=[]).json() == []
    for bad in ({"text": "x"}, [{"text": 1}], [{"txt": "x"}], [{"text": "x"}] * 101, "x"):
        r = client.post("/v1/classify/batch", json=bad)
        assert r.status_code == 422, (bad, r.text)
        _detail(r)


# --- HTTP odds and ends ---------------------------------------------------------------------


def test_head_is_answered_wherever_get_is(client: TestClient) -> None:
    """FastAPI routes take only the methods they name: HEAD on `/`, `/review`, `/metrics`,
    `/docs` was a 405. Now the GET's status and headers, no body, counted as HEAD."""
    for path in ("/", "/review", "/metrics", "/docs", "/healthz", "/openapi.json"):
        get, head = client.get(path), client.head(path)
        assert head.status_code == get.status_code == 200, path
        assert head.content == b"" and head.headers["content-type"] == get.headers["content-type"]
    assert client.head("/v1/classify").status_code == 405  # POST only, as GET is
    text = client.get("/metrics").text
    assert 'method="HEAD",route="/review",status="200"} 1.0' in text
    assert 'method="HEAD",route="/v1/classify",status="405"} 1.0' in text


def test_a_trailing_slash_is_not_found_not_redirected_to_the_callers_host(
    client: TestClient,
) -> None:
    r = client.post("/v1/classify/", json={"text": "你好"}, headers={"host": "evil.example"},
                    follow_redirects=False)
    assert r.status_code == 404 and "location" not in r.headers
    assert _detail(r) == "Not Found"


def test_a_client_leaving_mid_upload_is_no_server_error(client: TestClient) -> None:
    """The body read raised ClientDisconnect: logged as an error in the application and counted
    as a 500 (the README's load test counts 5xx)."""
    import asyncio

    app = client.app
    sent: list[dict[str, Any]] = []
    incoming = [{"type": "http.request", "body": b"x" * 100, "more_body": True},
                {"type": "http.disconnect"}]

    async def receive() -> dict[str, Any]:
        return incoming.pop(0) if incoming else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/v1/classify", "raw_path": b"/v1/classify",
             "root_path": "", "scheme": "http", "query_string": b"", "server": ("t", 80),
             "client": ("c", 1), "http_version": "1.1",
             "headers": [(b"content-type", b"text/plain"), (b"content-length", b"1000")]}
    asyncio.run(app(scope, receive, send))  # type: ignore[arg-type]
    assert sent[0]["status"] == 499
    text = client.get("/metrics").text
    assert 'route="/v1/classify",status="499"} 1.0' in text and 'status="500"' not in text


# --- body limit ------------------------------------------------------------------------------


def test_413_declared_length(client: TestClient) -> None:
    r = client.post("/v1/classify", content=b"x" * 70_000, headers={"content-type": "text/plain"})
    assert r.status_code == 413
    assert "limit" in _detail(r)
    r = client.post("/v1/feedback", json={"text": "x" * 70_000, "label": "ad"})
    assert r.status_code == 413


def test_413_chunked_body(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(10):
            yield b"y" * 10_000

    r = client.post("/v1/classify", content=chunks(), headers={"content-type": "text/plain"})
    assert r.status_code == 413
    assert "limit" in _detail(r)

    def json_chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(10):
            yield b"z" * 10_000
        yield b'", "label": "ad"}'

    r = client.post(
        "/v1/feedback", content=json_chunks(), headers={"content-type": "application/json"}
    )
    assert r.status_code == 413
    multipart = {"content-type": "multipart/form-data; boundary=x"}
    r = client.post("/", content=chunks(), headers=multipart)
    assert r.status_code == 413


def test_413_answers_a_browser_with_a_page(client: TestClient) -> None:
    """A moderator's upload over the limit showed raw JSON; an API client still gets JSON."""
    browser = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    r = client.post("/", files={"file": ("big.txt", b"x" * 70_000)}, headers=browser)
    assert r.status_code == 413 and r.headers["content-type"].startswith("text/html")
    assert "Not read: the request body is larger than the limit of 65,536 bytes" in r.text
    r = client.post("/", files={"file": ("big.txt", b"x" * 70_000)})
    assert r.status_code == 413 and r.headers["content-type"] == "application/json"


def test_413_declared_without_reading_the_body() -> None:
    """A huge Content-Length is refused from the headers alone: `receive` is never called."""
    import asyncio

    async def app(scope: Any, receive: Any, send: Any) -> None:  # pragma: no cover - not reached
        raise AssertionError("the app must not run")

    async def receive() -> dict[str, Any]:
        raise AssertionError("the body must not be read")

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/v1/classify",
        "headers": [(b"content-length", str(10**12).encode())],
    }
    asyncio.run(BodyLimitMiddleware(app, max_body_bytes=1000)(scope, receive, send))
    assert sent[0]["status"] == 413


# --- bad input: 4xx with a reason ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "status", "needle"),
    [
        (b"{", 400, "JSON"),
        (b"", 400, "empty"),
        (b"   ", 400, "empty"),
        (b'{"text": "a",}', 400, "JSON"),
        (b"\xff\xfe\x00garbage", 400, "JSON"),
        (b"[" * 100_00 + b"]" * 100_00, 400, "nested"),
        (b'{"text": NaN}', 422, "string"),
        (b'{"text": 5}', 422, "string"),
        (b'{"html": ["<p>"]}', 422, "string"),
        (b'{"text": null}', 422, "exactly one"),
        (b"{}", 422, "exactly one"),
        (b'{"text": "a", "html": "<p>a</p>"}', 422, "exactly one"),
        (b'{"txt": "a"}', 422, "Extra"),
        (b'{"text": "a", "keep": 5}', 422, "keep"),
        (b'{"text": "a", "keep": ["spam"]}', 422, "unknown label"),
        (b'{"text": "a", "url": 5}', 422, "string"),
        (b'"just a string"', 422, "dict"),
        (b"null", 422, "dict"),
        (b"[1, 2]", 422, "dict"),
    ],
)
def test_bad_json_bodies(client: TestClient, body: bytes, status: int, needle: str) -> None:
    r = client.post("/v1/classify", content=body, headers={"content-type": "application/json"})
    assert r.status_code == status, r.text
    assert needle.lower() in json.dumps(_detail(r)).lower()


def test_field_too_long(client: TestClient) -> None:
    for field in ("url", "source", "id"):
        r = client.post("/v1/classify", json={"text": "a", field: "u" * 9000})
        assert r.status_code == 422, field
        assert "at most" in json.dumps(_detail(r))
    r = client.post(
        "/v1/classify?url=" + "u" * 9000, content=b"abc", headers={"content-type": "text/plain"}
    )
    assert r.status_code == 422


def test_wrong_content_type_and_charset(client: TestClient) -> None:
    r = client.post(
        "/v1/classify",
        content=b"page=x",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 415
    assert "Content-Type" in _detail(r)
    r = client.post(
        "/v1/classify", content=b"abc", headers={"content-type": 'text/plain; charset="<script>"'}
    )
    assert r.status_code == 400
    r = client.post(
        "/v1/classify",
        content="中文".encode(),
        headers={"content-type": "text/plain; charset=x-user-defined"},
    )
    assert r.status_code == 200, r.text


def test_offsets_index_the_callers_text_past_a_nul(client: TestClient) -> None:
    """Text handed over as a string keeps every character's place (a NUL becomes a space), so
    each block's start/end index the caller's own string (bad-inputs case 7)."""
    text = "第一段今天北京\u0000天气晴朗。\n\n第二段，市民\u0007出门散步。\n\n第三段结束。"
    r = client.post("/v1/classify", json={"text": text})
    assert r.status_code == 200, r.text
    blocks = r.json()["blocks"]
    assert len(blocks) == 3
    for b in blocks:
        assert text[b["start"]:b["end"]].replace("\x00", " ").replace("\x07", " ") == b["text"]


def test_lone_surrogates_and_control_characters(client: TestClient) -> None:
    r = client.post(
        "/v1/classify",
        content=b'{"text": "a\\ud800b\\u0000c \\udfff"}',
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 200, r.text
    json.loads(r.content)  # the response is valid JSON whatever the input held
    r = client.post(
        "/v1/feedback",
        content=b'{"text": "x\\ud800", "label": "ad"}',
        headers={"content-type": "application/json"},
    )
    # FastAPI's JSON parser refuses lone surrogates (422); if it ever lets them through, the
    # store must keep a clean replacement instead of failing on the database encode.
    assert r.status_code in (201, 422), r.text
    if r.status_code == 201:
        assert r.json()["text"] == "x\ufffd"
    else:
        assert "unicode" in json.dumps(_detail(r))


_ODD_BODIES: list[tuple[str, bytes]] = [
    ("text/html", b""),
    ("text/html", b"   \n\t "),
    ("text/html", b"<html></html>"),
    ("text/html", b"<div>" * 5000 + "深".encode() + b"</div>" * 5000),
    ("text/html", b"<p><b><i>" * 20_000),
    ("text/html", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"),
    ("text/html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))),
    ("text/html", gzip.compress("<p>你好</p>".encode())),
    ("text/html", "\ufeff<p>你好</p>".encode("utf-16-le")),
    ("text/html", b"\xef\xbb\xbf<meta charset=gbk><p>" + "你好".encode() + b"</p>"),
    ("text/html", "<p>中文</p>".encode()[:-5] + "镕".encode()[:2]),
    ("text/plain", "加\u200b微\u3000信".encode() * 500),
    ("text/plain", b"\x00\x01\x02abc\x7f"),
    ("text/plain", ("中" * 60_000).encode("gbk")),
]


@pytest.mark.parametrize(("ctype", "body"), _ODD_BODIES, ids=range(len(_ODD_BODIES)))
def test_odd_pages_never_5xx(client: TestClient, ctype: str, body: bytes) -> None:
    r = client.post("/v1/classify", content=body, headers={"content-type": ctype})
    assert r.status_code < 500, r.text
    if r.status_code != 200:
        _detail(r)
    else:
        for b in r.json()["blocks"]:
            assert 0.0 <= b["score"] <= 1.0


def test_random_bodies_never_5xx(client: TestClient) -> None:
    rng = random.Random(5)
    paths = ["/v1/classify", "/v1/classify/batch", "/v1/feedback", "/", "/moderate/feedback"]
    ctypes = [
        "application/json",
        "text/html",
        "text/plain",
        "text/html; charset=big5",
        "multipart/form-data; boundary=zz",
        "application/x-www-form-urlencoded",
        "",
    ]
    for _ in range(120):
        n = rng.choice([0, 1, 10, 300, 5000])
        body = bytes(rng.randrange(256) for _ in range(n))
        if rng.random() < 0.3:
            body = json.dumps({"text": body.decode("latin-1")})[: rng.randrange(1, 400)].encode()
        headers = {"content-type": rng.choice(ctypes)} if rng.random() < 0.9 else {}
        r = client.post(rng.choice(paths), content=body, headers=headers)
        assert r.status_code < 500, (r.status_code, r.text[:200])


# --- feedback ------------------------------------------------------------------------------


def test_feedback_store_and_export(client: TestClient) -> None:
    r = client.post("/v1/feedback", json={"text": "加微信领取外挂", "label": "ad", "source": "p1"})
    assert r.status_code == 201, r.text
    stored = r.json()
    assert stored["label"] == "ad" and stored["id"] >= 1
    r = client.post(
        "/v1/feedback", json={"text": "联系我们", "label": "boilerplate", "predicted": "content"}
    )
    assert r.status_code == 201
    r = client.get("/v1/feedback/export")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/x-ndjson")
    rows = [json.loads(line) for line in r.text.splitlines()]
    assert [(x["text"], x["label"], x["source"]) for x in rows] == [
        ("加微信领取外挂", "ad", "p1"),
        ("联系我们", "boilerplate", None),
    ]
    assert rows[1]["predicted"] == "content"


@pytest.mark.parametrize(
    "payload",
    [
        {"text": "x", "label": "spam"},
        {"text": "x"},
        {"label": "ad"},
        {"text": "", "label": "ad"},
        {"text": "   ", "label": "ad"},
        {"text": 3, "label": "ad"},
        {"text": "x", "label": "ad", "source": ["a"]},
        {"text": "x", "label": "ad", "extra": 1},
        {"text": "x", "label": "ad", "source": "s" * 2000},
    ],
)
def test_feedback_rejects_bad_input(client: TestClient, payload: dict[str, Any]) -> None:
    r = client.post("/v1/feedback", json=payload)
    assert r.status_code == 422, r.text
    _detail(r)


def test_feedback_text_too_long(model_path: Path, db_url: str) -> None:
    app = create_app(model_path=model_path, database_url=db_url, max_body_bytes=4 * 1024 * 1024)
    with TestClient(app) as c:
        r = c.post("/v1/feedback", json={"text": "a" * 1_000_001, "label": "ad"})
        assert r.status_code == 422
        assert "at most" in json.dumps(_detail(r))


def test_feedback_survives_app_recreation(model_path: Path, db_url: str) -> None:
    with TestClient(create_app(model_path=model_path, database_url=db_url)) as c:
        assert c.post("/v1/feedback", json={"text": "博彩网站", "label": "ad"}).status_code == 201
    with TestClient(create_app(model_path=model_path, database_url=db_url)) as c:
        rows = [json.loads(x) for x in c.get("/v1/feedback/export").text.splitlines()]
        assert [r["text"] for r in rows] == ["博彩网站"]
        assert "博彩网站" in c.get("/").text  # listed under "recent corrections"
    assert export_corrections(db_url)[0]["label"] == "ad"


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_an_in_memory_database_keeps_its_corrections(model_path: Path, url: str) -> None:
    """Every connection to an in-memory SQLite opens a new, empty database: the store keeps
    one (the table was missing from every other: each page and each correction was a 500)."""
    with TestClient(create_app(model_path=model_path, database_url=url),
                    raise_server_exceptions=False) as c:
        assert c.get("/readyz").status_code == 200
        assert c.post("/v1/feedback", json={"text": "博彩网站", "label": "ad"}).status_code == 201
        assert c.get("/").status_code == 200 and "博彩网站" in c.get("/").text
        rows = [json.loads(x) for x in c.get("/v1/feedback/export").text.splitlines()]
        assert [r["label"] for r in rows] == ["ad"]


def test_a_failing_database_is_a_503_with_a_reason(client: TestClient) -> None:
    """The store's table gone (a database changed under the service): 503 and why, as JSON,
    not a 500; the export answers 503 before its status line rather than breaking off."""
    from sqlalchemy import text

    store = client.app.state.pagesieve.store  # type: ignore[attr-defined]
    with store.engine.begin() as conn:
        conn.execute(text("DROP TABLE pagesieve_corrections"))
    r = client.post("/v1/feedback", json={"text": "博彩网站", "label": "ad"})
    assert r.status_code == 503 and "feedback database unavailable" in _detail(r), r.text
    r = client.get("/v1/feedback/export")
    assert r.status_code == 503 and "no such table" in _detail(r), r.text
    assert client.get("/readyz").status_code == 503


def test_concurrent_writers(db_url: str) -> None:
    """Eight threads on four separate engines (as four worker processes would have)."""
    stores = [FeedbackStore(db_url) for _ in range(4)]
    errors: list[BaseException] = []

    def write(k: int) -> None:
        try:
            for i in range(25):
                stores[k % 4].add(f"文本 {k}-{i}", LABELS[i % 5], source=f"t{k}")
        except BaseException as exc:  # collected and re-raised in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    rows = export_corrections(db_url)
    assert len(rows) == 200
    assert len({r["text"] for r in rows}) == 200
    for s in stores:
        s.dispose()


def test_store_normalises_unstorable_characters(db_url: str) -> None:
    store = FeedbackStore(db_url)
    try:
        c = store.add("a\ud800\x00b", "ad", source="s\udfff")
        assert c.text == "a\ufffd\ufffdb" and c.source == "s\ufffd"
        assert store.latest_for(["a\ud800\x00b"])  # looked up under the same normalisation
        with pytest.raises(ValueError):
            store.add("x", "spam")
    finally:
        store.dispose()


def test_concurrent_writers_through_the_api(client: TestClient) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def post(i: int) -> int:
        r = client.post("/v1/feedback", json={"text": f"并发 {i}", "label": "comment"})
        return r.status_code

    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(post, range(40)))
    assert codes == [201] * 40
    assert len(client.get("/v1/feedback/export").text.splitlines()) == 40


# --- moderation page -----------------------------------------------------------------------


def test_csp_and_no_inline_script(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "default-src 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert '<textarea id="page" name="page"' in r.text
    assert '<button type="submit"' in r.text and 'type="file"' in r.text
    import re

    for tag in re.findall(r"<script\b[^>]*>", r.text):
        assert "src=" in tag, tag
    assert "<script>" not in r.text
    assert "content-security-policy" in client.get("/healthz").headers
    js = client.get("/static/moderation.js")
    assert js.status_code == 200 and "fetch" in js.text


def test_markup_in_a_page_is_escaped(client: TestClient) -> None:
    evil = '<script>alert("x")</script>\n\n<img src=x onerror=alert(1)> 加微信买外挂'
    r = client.post("/", data={"page": evil, "kind": "text"})
    assert r.status_code == 200, r.text
    assert "<script>alert" not in r.text
    assert "<img src=x" not in r.text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in r.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in r.text
    r = client.post("/", data={"page": "<p>&lt;b&gt;粗体&lt;/b&gt; 正文</p>", "kind": "html"})
    assert r.status_code == 200
    assert "&lt;b&gt;粗体&lt;/b&gt;" in r.text and "<b>粗体" not in r.text


def test_moderation_page_shows_blocks_in_order(client: TestClient) -> None:
    r = client.post("/", data={"page": EXAMPLE_PAGE, "kind": "auto"})
    assert r.status_code == 200
    import re

    labels = re.findall(r'<li class="block label-(\w+)" data-label="(\w+)"', r.text)
    assert labels and all(a == b and a in LABELS for a, b in labels)
    api = client.post("/v1/classify", json={"text": EXAMPLE_PAGE}).json()
    assert [b for _, b in labels] == [b["label"] for b in api["blocks"]]
    assert r.text.count('<details class="why">') == len(labels)
    assert r.text.count('<select name="label">') == len(labels)
    assert 'data-label="ad"' in r.text


def test_moderation_upload_goes_by_the_suffix_as_the_cli_does(client: TestClient) -> None:
    """`m.txt` holding markup is a text page for `pagesieve classify m.txt` and `clean`: the
    upload reads it the same way (it sniffed HTML); JSONL and WARC files are many pages."""
    markup = "<p>北京市统计局盘点去年北京在建设国际科技创新中心方面的成绩。</p>"
    upload = {"file": ("m.txt", markup.encode("utf-8"), "text/plain")}
    r = client.post("/", data={"page": "", "kind": "auto"}, files=upload)
    api = client.post("/v1/classify", json={"text": markup}).json()
    assert r.status_code == 200 and api["kind"] == "text", r.text
    assert "/html/body/p" not in r.text and "&lt;p&gt;北京市" in r.text
    r = client.post("/", data={"page": "", "kind": "html"}, files=upload)  # the choice wins
    assert r.status_code == 200 and "/html/body/p" in r.text
    for name in ("pages.jsonl", "crawl.warc.gz"):
        r = client.post("/", data={"page": "", "kind": "auto"},
                        files={"file": (name, b'{"id": 1, "text": "x"}\n', "text/plain")})
        assert r.status_code == 400 and "many pages" in r.text and "pagesieve clean" in r.text


def test_a_file_and_pasted_text_together_say_which_was_read(client: TestClient) -> None:
    r = client.post("/", data={"page": "粘贴的文字。", "kind": "auto"},
                    files={"file": ("a.txt", "上传的文件正文。".encode(), "text/plain")})
    assert r.status_code == 200 and "上传的文件正文" in r.text
    assert "Classified the file a.txt; the pasted text was left out." in r.text
    r = client.post("/", data={"page": "", "kind": "auto"},
                    files={"file": ("a.txt", "上传的文件正文。".encode(), "text/plain")})
    assert "left out" not in r.text


def test_a_block_of_an_upload_with_a_long_name_can_be_corrected(client: TestClient) -> None:
    """The form carried the upload's full name as the correction's source, which feedback
    refuses over 1,024 characters: no block of such a page could be corrected."""
    import html
    import re

    name = "长" * 1100 + ".txt"
    page = "国际新闻。这是正文内容，讲述了城市的发展。".encode()
    r = client.post("/", data={"page": "", "kind": "auto"},
                    files={"file": (name, page, "text/plain")})
    assert r.status_code == 200
    sources = re.findall(r'name="source" value="([^"]*)"', r.text)
    texts = re.findall(r'name="text" value="([^"]*)"', r.text)
    assert sources and all(s == "长" * 1024 for s in sources)
    r = client.post("/moderate/feedback", data={"text": html.unescape(texts[0]), "label": "ad",
                                                "source": html.unescape(sources[0])})
    assert r.status_code == 200 and "Saved" in r.text


def test_moderation_upload_and_errors(client: TestClient) -> None:
    page = "<html><head><meta charset=gbk></head><body><p>网友评论：写得好</p></body></html>"
    r = client.post(
        "/",
        data={"page": "", "kind": "auto"},
        files={"file": ("page.html", page.encode("gbk"), "text/html")},
    )
    assert r.status_code == 200, r.text
    assert "写得好" in r.text and "page.html" in r.text
    r = client.post(
        "/",
        data={"page": "", "kind": "auto"},
        files={"file": ("x.png", b"\x89PNG\r\n\x1a\n" + bytes(300), "image/png")},
    )
    assert 400 <= r.status_code < 500
    assert 'class="error"' in r.text
    r = client.post("/", data={"page": "  "})
    assert r.status_code == 400 and 'class="error"' in r.text
    assert "textarea" in client.get("/?example=1").text


def test_correction_form_fallback_and_marking(client: TestClient) -> None:
    form = {"text": "希望保护工作能长期坚持下去", "label": "comment", "predicted": "ad"}
    r = client.post("/moderate/feedback", data=form)
    assert r.status_code == 200 and "Saved" in r.text
    r = client.post("/moderate/feedback", data={"text": "x", "label": "nope"})
    assert r.status_code == 422
    r = client.post("/", data={"page": "希望保护工作能长期坚持下去", "kind": "text"})
    assert 'data-corrected="true"' in r.text
    assert 'data-label="comment"' in r.text


def test_a_form_correction_of_a_several_line_block_is_marked(client: TestClient) -> None:
    """A browser sends a form's text with CRLF line ends: the correction of a block of two
    lines, saved without JavaScript, must key as that block (it was stored and never shown)."""
    page = "• 城南新开的农贸市场今天开张\n  市场负责人表示这里将成为居民买菜的好地方。 2026-01-01"
    api = client.post("/v1/classify", json={"text": page}).json()
    [block] = api["blocks"]  # a card: its indented line is part of it
    assert "\n" in block["text"]
    form = {"text": block["text"].replace("\n", "\r\n"), "label": "comment"}
    assert client.post("/moderate/feedback", data=form).status_code == 200
    r = client.post("/", data={"page": page, "kind": "text"})
    assert 'data-corrected="true"' in r.text and 'data-label="comment"' in r.text
    [row] = [json.loads(x) for x in client.get("/v1/feedback/export").text.splitlines()]
    assert row["text"] == block["text"]


def test_cross_site_form_posts_are_refused(client: TestClient) -> None:
    form = {"text": "伪造的更正", "label": "content"}
    r = client.post("/moderate/feedback", data=form, headers={"origin": "http://evil.example"})
    assert r.status_code == 403
    r = client.post("/moderate/feedback", data=form, headers={"sec-fetch-site": "cross-site"})
    assert r.status_code == 403
    r = client.post("/", data={"page": "x"}, headers={"origin": "http://evil.example"})
    assert r.status_code == 403
    assert client.get("/v1/feedback/export").text == ""
    r = client.post("/moderate/feedback", data=form, headers={"origin": "null"})
    assert r.status_code == 403
    r = client.post("/moderate/feedback", data=form, headers={"sec-fetch-site": "same-site"})
    assert r.status_code == 403
    r = client.post("/moderate/feedback", data=form, headers={"origin": "http://testserver"})
    assert r.status_code == 200
    same = {"origin": "http://testserver", "sec-fetch-site": "same-origin"}
    assert client.post("/moderate/feedback", data=form, headers=same).status_code == 200


# --- review queue -----------------------------------------------------------------------------


def _write_review(folder: Path) -> None:
    folder.mkdir()
    recs = [
        {
            "source": "spam-1",
            "spam": True,
            "quality": 0.9,
            "text": "x",
            "blocks": [
                {
                    "text": "加微信买外挂<b>",
                    "label": "ad",
                    "score": 0.9,
                    "scores": {"ad": 0.9},
                    "junk": True,
                    "start": 0,
                    "end": 9,
                }
            ],
        },
        {"source": "good-1", "spam": False, "quality": 0.95, "text": "好文章"},
        {"source": "low-1", "spam": False, "quality": 0.1, "text": "低质量<script>x</script>"},
    ]
    with (folder / "part-00000.jsonl").open("w", encoding="utf-8") as fh:
        for rec in recs:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        fh.write("{broken line\n")
    with gzip.open(folder / "part-00001.jsonl.gz", "wt", encoding="utf-8") as fh:
        for i in range(14):
            fh.write(json.dumps({"source": f"gz-{i}", "spam": i % 2 == 0, "quality": 0.3}) + "\n")
    # clean's bookkeeping is not pages: a flagged-looking record there must not show up
    (folder / "_state" / "rejects").mkdir(parents=True)
    for name in ("_rejects.jsonl", "_state/rejects/r.jsonl"):
        (folder / name).write_text(json.dumps({"source": "reject-1", "spam": True}) + "\n")


def test_review_queue(model_path: Path, db_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    _write_review(folder)
    app = create_app(model_path=model_path, database_url=db_url, review_dir=folder)
    with TestClient(app) as c:
        r = c.get("/review")
        assert r.status_code == 200
        assert "spam-1" in r.text and "low-1" in r.text and "good-1" not in r.text
        assert 'data-label="ad"' in r.text
        assert "加微信买外挂&lt;b&gt;" in r.text and "&lt;script&gt;x" in r.text
        assert "1 unreadable line" in r.text
        assert 'rel="next"' in r.text
        r2 = c.get("/review?page=2")
        assert r2.text.count('class="review-item"') == 6 and 'rel="next"' not in r2.text
        assert "gz-13" in r2.text
        assert "reject-1" not in r.text + r2.text
        bad = c.get("/review?page=0&max_quality=x")  # a person's page answers a person
        assert bad.status_code == 422 and bad.headers["content-type"].startswith("text/html")
        assert "page: Input should be greater than or equal to 1" in bad.text
        assert "max_quality: Input should be a valid number" in bad.text
        api = c.post("/v1/classify", json={"text": 5})  # the API still answers JSON
        assert api.status_code == 422 and api.headers["content-type"] == "application/json"
        r3 = c.get("/review?max_quality=0.05")
        assert "spam-1" in r3.text and "low-1" not in r3.text
        assert "quality below 0.05;" in r3.text
        assert "quality below 0.005;" in c.get("/review?max_quality=0.005").text  # not "0.01"


def test_review_queue_survives_odd_records(model_path: Path, db_url: str, tmp_path: Path) -> None:
    """A shard line may hold anything: odd block fields are left out, never a 500."""
    folder = tmp_path / "out"
    folder.mkdir()
    odd_blocks: list[dict[str, Any]] = [
        {"text": "x", "label": "ad", "scores": "x"},
        {"text": "scores-list", "label": "ad", "scores": [1, 2]},
        {"text": "why-number", "label": "ad", "why": 5, "score": 10**400},
        {"text": "huge-score", "label": "ad", "scores": {"ad": 10**400}, "start": 0},
        "not a block",
    ]
    recs = [
        {"source": "weird-1", "spam": True, "blocks": odd_blocks[:1]},
        {"source": "weird-2", "spam": True, "quality": 10**400, "blocks": odd_blocks},
        {"source": "weird-3", "spam": True, "blocks": "x"},
    ]
    (folder / "part-zz-weird.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8"
    )
    app = create_app(model_path=model_path, database_url=db_url, review_dir=folder)
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/review")
    assert r.status_code == 200, r.text
    assert all(f"weird-{i}" in r.text for i in (1, 2, 3))
    assert all(t in r.text for t in ("scores-list", "why-number", "huge-score"))


def test_review_queue_reads_a_spark_output_folder() -> None:
    """`spark` writes ``part-00000`` (Spark's names, no suffix; ``.gz`` compressed) beside
    ``.crc`` check files and ``_SUCCESS``: the queue showed nothing for such a folder."""
    import tempfile

    from pagesieve.service.review import find_shards

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name in ("part-00000", "part-00001.gz", ".part-00000.crc", "_SUCCESS",
                     "part-x.jsonl", ".part-y.jsonl.123.tmp", "notes.txt"):
            (folder / name).write_bytes(b"")
        (folder / "_rejects").mkdir()
        (folder / "_rejects" / "part-00000").write_bytes(b"")
        assert [p.name for p in find_shards(folder)] == ["part-00000", "part-00001.gz",
                                                         "part-x.jsonl"]


def test_review_queue_unconfigured(client: TestClient) -> None:
    r = client.get("/review")
    assert r.status_code == 200 and "No review folder" in r.text


# --- the real server --------------------------------------------------------------------------


def test_serve_command_refuses_bad_options(tmp_path: Path) -> None:
    from pagesieve.service.cli_commands import serve_command

    assert serve_command(workers=0) == 2
    assert serve_command(max_body_bytes=0) == 2
    assert serve_command(port=70000) == 2
    assert serve_command(model=tmp_path / "absent.joblib") == 3  # as classify: model missing
    assert serve_command(review_dir=tmp_path / "absent") == 2


def test_serve_refuses_an_in_memory_database_for_several_workers(
    capsys: pytest.CaptureFixture[str]
) -> None:
    """Each worker process would keep its own in-memory corrections: an export answered by
    one showed some of them, by the other the rest."""
    from pagesieve.service.cli_commands import serve_command
    from pagesieve.service.feedback import in_memory_url

    for url in ("sqlite://", "sqlite:///:memory:"):
        assert serve_command(workers=2, database_url=url) == 2
        assert "in-memory database lives in one process" in capsys.readouterr().err
    assert in_memory_url("sqlite:///file:x?mode=memory&uri=true")
    assert not in_memory_url("sqlite:////tmp/x.db") and not in_memory_url("postgresql://h/x")


def test_serve_command_refuses_a_bad_database_url(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One line naming the URL (password masked), exit 2, before uvicorn starts."""
    from pagesieve.service.cli_commands import serve_command

    missing = tmp_path / "absent" / "dir"
    for url, needle in (
        ("bogus://x", "'bogus://x': Can't load plugin"),
        ("bogus://u:secret@h/x", "'bogus://u:***@h/x'"),
        ("not a url", "'not a url'"),
        (f"sqlite:///{missing / 'x.db'}", f"no such folder: {missing}"),
        (f"sqlite:///{tmp_path}", "unable to open database file"),  # a folder, not a file
    ):
        assert serve_command(database_url=url) == 2, url
        err = capsys.readouterr().err
        assert err.startswith("pagesieve serve: cannot open the feedback database "), err
        assert needle in err and err.count("\n") == 1 and "secret" not in err
    assert not (tmp_path / "absent").exists()  # a typo leaves no folders behind
    with pytest.raises(ValueError, match="cannot open the feedback database 'bogus://x'"):
        create_app(database_url="bogus://x")


def test_feedback_store_makes_its_default_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PAGESIEVE_DATABASE_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    store = FeedbackStore()
    store.dispose()
    assert (tmp_path / "xdg" / "pagesieve" / "feedback.db").is_file()


@pytest.mark.slow
def test_real_server_413_declared_and_chunked(model_path: Path, tmp_path: Path) -> None:
    """Over real HTTP/1.1 the client gets its 413 (not a reset) and the connection stays usable."""
    import socket
    import subprocess
    import sys
    import time

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [
        sys.executable,
        "-m",
        "pagesieve",
        "serve",
        "--port",
        str(port),
        "--model",
        str(model_path),
        "--database-url",
        f"sqlite:///{tmp_path / 'f.db'}",
        "--max-body-bytes",
        "1000000",
    ]
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=REPO)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, log.read_text()
            try:
                if httpx.get(base + "/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.3)

        def chunks() -> Iterator[bytes]:
            for _ in range(30):
                yield b"y" * 100_000

        with httpx.Client(base_url=base, timeout=30) as c:
            for _ in range(3):
                r = c.post(
                    "/v1/classify", content=b"x" * 3_000_000, headers={"content-type": "text/plain"}
                )
                assert r.status_code == 413, r.text
                r = c.post("/v1/classify", content=chunks(), headers={"content-type": "text/plain"})
                assert r.status_code == 413, r.text
                r = c.post("/v1/classify", json={"text": EXAMPLE_PAGE})
                assert r.status_code == 200
        # SIGTERM is a graceful stop: exit 0 (one worker was killed by the signal uvicorn
        # raises again after its shutdown: status -15, where --workers 2 gave 0)
        proc.terminate()
        assert proc.wait(timeout=60) == 0, log.read_text()
        assert "Traceback" not in log.read_text()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)


def test_a_request_cut_off_by_shutdown_is_a_503_to_retry() -> None:
    """uvicorn cancels what still runs after its graceful shutdown time: each such request was
    a 500 and a traceback in the log."""
    import asyncio

    from pagesieve.service.middleware import ShutdownMiddleware

    async def endless(scope: Any, receive: Any, send: Any) -> None:
        await asyncio.sleep(3600)

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def main() -> None:
        task = asyncio.create_task(ShutdownMiddleware(endless)({"type": "http"}, receive, send))
        await asyncio.sleep(0.01)
        task.cancel()  # what uvicorn does once the grace period is over
        await task

    asyncio.run(main())
    assert sent[0]["status"] == 503 and (b"retry-after", b"5") in sent[0]["headers"]
    assert b"shutting down" in sent[1]["body"]
