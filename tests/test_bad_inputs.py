"""Every case of ../shared/docs/bad-inputs.md, through every surface where it applies.

Each page-level case below (`CASES`) is built in code and run through the Python API
(`classify_page`), the CLI (`pagesieve classify`, in process), the batch runner (one
`pagesieve clean` run over all of them as files) and the HTTP service (a raw body). The outcome
is the same everywhere: a record that passes the case's check (and the generic one: every score
in [0, 1], strict JSON, the same record twice), or a clear error — CLI: one line on stderr and
exit 2; service: 4xx with a reason; batch: a rejects line with source, offset and reason while
the run goes on. Cases that exist only on one surface are tested where they live:

==  ==========================================  ================================================
#   case                                        tests (this file: `CASES` ids × 4 surfaces)
==  ==========================================  ================================================
1   GBK declared gb2312, 镕/喆                   c01-gb2312-declared-gbk-chars;
                                                test_decode::test_gbk_family_is_read_as_gb18030
2   UTF-8 under meta gbk                        c02-utf8-under-meta-gbk;
                                                test_decode::test_utf8_bytes_under_a_wrong_meta_*
3   GBK under HTTP utf-8; meta big5 on GBK      c03-gbk-under-http-utf8 (API, service),
                                                c03-big5-meta-on-gbk; test_decode::test_gbk_body_*
                                                test_decode::test_big5_meta_on_gbk_body
4   very short GBK / Big5, no declaration       c04-short-gbk, c04-short-big5;
                                                test_decode::test_short_*_without_declaration
5   UTF-16 LE/BE BOM; UTF-8 BOM + meta gbk      c05-utf16le-bom, c05-utf16be-bom,
                                                c05-utf8-bom-beats-meta-gbk; test_decode::*bom*
6   mixed UTF-8+GBK; unknown labels             c06-mixed-utf8-gbk, c06-label-* (3 labels);
                                                test_decode::test_mixed_*, test_aliases_are_mapped
7   lone surrogates, NUL/C0 in JSON or text     c07-nul-and-c0, c07-encoded-surrogate;
                                                test_lone_surrogate_str_through_api_and_batch
                                                (here); test_service_api::test_lone_surrogates_*,
                                                test_offsets_index_the_callers_text_past_a_nul;
                                                test_batch_sources::test_jsonl_* (line 11)
8   empty, whitespace, <html></html>            c08-empty, c08-whitespace, c08-empty-html;
                                                test_classify::test_empty_inputs_give_zero_blocks
9   nesting 260 and 5,000 deep                  c09-nesting-260, c09-nesting-5000;
                                                test_segment_html::test_deep_nesting_*
10  one 12 MB text node; over the byte limit    c10-12mb-text-node; test_limits::test_bytes_and_*,
                                                test_limits::test_limits_through_the_cli_*,
                                                test_limits::test_limits_in_batch_runs_*,
                                                test_limits::test_limits_in_the_service,
                                                test_service_api::test_413_*
11  60,000 unclosed <p><b><i>; cut mid-tag/char c11-60000-unclosed-pbi, c11-cut-mid-tag,
                                                c11-cut-mid-char, c11-60000-attributes;
                                                test_segment_html::test_60000_*,
                                                test_page_cut_mid_tag; test_decode::*mid_character
12  PDF/PNG/gzip as text/html; chunked; bomb     c12-pdf, c12-png, c12-gzip, c12-chunk-encoded,
                                                c12-chunked-whole, c12-gzip-bomb;
                                                test_decode::test_binary_formats_*,
                                                test_batch_sources::test_warc_payload_encodings_*
13  frameset, noscript-only, empty SPA shell    c13-frameset, c13-noscript-only, c13-spa-shell
14  5 MB unpunctuated Chinese, one line         c14-5mb-one-line (block kept whole, tokenizer
                                                reads max_block_chars, recorded in `limits`)
15  stuffing, display:none, links, zero-width   c15-keyword-stuffing, c15-display-none,
                                                c15-link-density-1, c15-zero-width-full-width;
                                                test_classify::test_property_scores_in_range_*
16  truncated .warc.gz, LF-only headers, wrong  test_batch_sources::test_truncated_warc_gz_*,
    Content-Length, request/metadata/revisit    test_warc_lf_only_http_headers_*,
                                                test_warc_responses_are_pages_and_other_*,
                                                test_warc_a_content_length_too_long_*;
                                                test_batch_runner::test_clean_records_match_*
17  JSONL: broken, BOM, two objects, null, NaN,  test_batch_sources::test_jsonl_good_lines_*;
    100k-deep nesting                           test_jsonl_cases_through_clean (here)
18  disk full, vanished input, kill -9          test_batch_runner::test_disk_full_*,
                                                test_real_disk_full_*, test_inputs_that_vanish_*,
                                                test_kill_9_mid_run_*
19  oversized body (declared/chunked): 413;     test_service_api::test_413_*, test_bad_json_*,
    broken JSON, wrong types, field too long    test_field_too_long, test_random_bodies_never_5xx;
                                                test_service_load (bench, bad bodies mixed in)
20  tampered model; pickle with a payload       test_model::test_save_load_roundtrip_and_tamper,
                                                test_cli::test_tampered_model_is_refused,
                                                test_tampered_model_through_every_surface,
                                                test_tampered_or_missing_model_stops_clean_*
==  ==========================================  ================================================
"""

from __future__ import annotations

import gzip
import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pagesieve import PagesieveError, classify_page, load_model
from pagesieve.cli import app as cli_app
from pagesieve.types import LABELS

REPO = Path(__file__).resolve().parents[1]
ZH = "记者从有关部门获悉，城市交通工作在今年取得了明显成效，市民出行更加方便。"


def _html(body: str, meta: str | None = None) -> str:
    head = f'<head><meta charset="{meta}"><title>t</title></head>' if meta else ""
    return f"<html>{head}<body>{body}</body></html>"


Check = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class Case:
    id: str
    data: bytes
    kind: str = "html"  # html -> file .html, text/html body; text -> .txt, text/plain
    http_charset: str | None = None  # only the API and the service get a transport header
    check: Check | None = None  # for pages that must classify
    error: str | None = None  # substring of the reason, for pages that must be refused


def texts(rec: dict[str, Any]) -> str:
    return "\n".join(b["text"] for b in rec["blocks"])


def has(*needles: str, encoding: str | None = None) -> Check:
    def check(rec: dict[str, Any]) -> None:
        t = texts(rec)
        for n in needles:
            assert n in t, (n, t[:300])
        if encoding:
            assert rec["encoding"] == encoding, rec["encoding"]

    return check


def zero_blocks(rec: dict[str, Any]) -> None:
    assert rec["blocks"] == [] and rec["text"] == "", rec


def _nested(depth: int) -> bytes:
    return _html("<div>" * depth + ZH + "</div>" * depth).encode()


def _cut_mid_char() -> bytes:
    data = _html(f"<p>{ZH}</p><p>结尾文字</p>").encode()
    return data[: data.index("尾".encode()) + 1]


def _chunked(body: bytes, size: int = 40) -> bytes:
    """`body` in HTTP chunked transfer coding, chunks of `size` bytes."""
    parts = [body[i:i + size] for i in range(0, len(body), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts) + b"0\r\n\r\n"


def _check_dechunked(rec: dict[str, Any]) -> None:
    has(ZH, "结尾文字")(rec)
    assert not any(b["text"] in ("28", "0") for b in rec["blocks"]), texts(rec)


def _check_60000(rec: dict[str, Any]) -> None:
    assert len(rec["blocks"]) == 5000
    assert texts(rec).count("文字") == 60000  # folded, not lost
    assert any(n.startswith("max_blocks:") for n in rec["limits"])


def _check_long(n_chars: int) -> Check:
    def check(rec: dict[str, Any]) -> None:
        assert len(rec["blocks"]) == 1 and len(rec["blocks"][0]["text"]) >= n_chars
        assert any(n.startswith("max_block_chars: 1 block(s)") for n in rec["limits"])

    return check


def _check_hidden(rec: dict[str, Any]) -> None:
    assert "看不见的文字" not in texts(rec)
    has(ZH)(rec)


def _check_zero_width(rec: dict[str, Any]) -> None:
    has("加\u200b微\u200b信", "ＡＢＣ１２３")(rec)


GBK_CHARS = f"<p>朱镕基和陶喆都来了。{ZH}</p>"
CASES = [
    Case("c01-gb2312-declared-gbk-chars", _html(GBK_CHARS, "gb2312").encode("gb18030"),
         check=has("镕", "喆", encoding="gb18030")),
    Case("c02-utf8-under-meta-gbk", _html(f"<p>{ZH}</p>", "gbk").encode(),
         check=has(ZH, encoding="utf-8")),
    Case("c03-gbk-under-http-utf8", _html(f"<p>{ZH}</p>").encode("gb18030"),
         http_charset="utf-8", check=has(ZH, encoding="gb18030")),
    Case("c03-big5-meta-on-gbk", _html(f"<p>{ZH}</p>", "big5").encode("gb18030"),
         check=has(ZH, encoding="gb18030")),
    Case("c04-short-gbk", "朱镕基总理".encode("gb18030"), kind="text",
         check=has("朱镕基总理", encoding="gb18030")),
    Case("c04-short-big5", "臺灣的朋友們".encode("big5hkscs"), kind="text",
         check=has("臺灣的朋友們", encoding="big5hkscs")),
    Case("c05-utf16le-bom", b"\xff\xfe" + _html(f"<p>{ZH}</p>").encode("utf-16-le"),
         check=has(ZH, encoding="utf-16-le")),
    Case("c05-utf16be-bom", b"\xfe\xff" + _html(f"<p>{ZH}</p>").encode("utf-16-be"),
         check=has(ZH, encoding="utf-16-be")),
    Case("c05-utf8-bom-beats-meta-gbk", b"\xef\xbb\xbf" + _html(f"<p>{ZH}</p>", "gbk").encode(),
         check=has(ZH, encoding="utf-8")),
    Case("c06-mixed-utf8-gbk",
         _html(f"<p>{ZH * 4}</p>").encode().replace(b"</body>", "<p>混入的国标码</p></body>"
                                                     .encode("gb18030")),
         check=has(ZH * 4, "\ufffd", encoding="utf-8")),
    *(
        Case(f"c06-label-{label}", _html(f"<p>{ZH}</p>", label).encode(enc),
             check=has(ZH, encoding=enc))
        for label, enc in (("x-user-defined", "utf-8"), ("utf8mb4", "utf-8"),
                           ("gb_2312-80", "gb18030"))
    ),
    Case("c07-nul-and-c0", f"前文\x00中间\x07\x1b后文\n\n{ZH}".encode(), kind="text",
         check=has("前文中间", ZH)),
    Case("c07-encoded-surrogate", f"<p>前\udcff后{ZH}</p>".encode("utf-8", "surrogatepass"),
         check=has(ZH)),
    Case("c08-empty", b"", check=zero_blocks),
    Case("c08-whitespace", b" \n\t\r\n  ", kind="text", check=zero_blocks),
    Case("c08-empty-html", b"<html></html>", check=zero_blocks),
    Case("c09-nesting-260", _nested(260), check=has(ZH)),
    Case("c09-nesting-5000", _nested(5000), check=has(ZH)),
    Case("c10-12mb-text-node", _html("<p>" + "中文字符 " * 1_000_000 + "</p>").encode(),
         check=_check_long(4_000_000)),
    Case("c11-60000-unclosed-pbi", ("<p><b><i>文字" * 60000).encode(), check=_check_60000),
    Case("c11-cut-mid-tag", f'<html><body><div class="a">{ZH}<a href="/x'.encode(),
         check=has(ZH)),
    Case("c11-cut-mid-char", _cut_mid_char(), check=has(ZH, "结\ufffd")),
    Case("c11-60000-attributes",  # Lexbor's attribute check is quadratic: ~7 s uncapped
         _html('<div ' + " ".join(f"a{i}" for i in range(60_000)) + f">{ZH}</div>").encode(),
         check=has(ZH)),
    Case("c12-pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n" + bytes(range(256)) * 4,
         error="PDF"),
    Case("c12-png", b"\x89PNG\r\n\x1a\n" + bytes(2048), error="PNG"),
    Case("c12-gzip", gzip.compress(_html(f"<p>{ZH}</p>").encode()), error="gzip"),
    Case("c12-chunk-encoded", b"1f4\r\n" + _html(f"<p>{ZH}</p>").encode(), check=has(ZH)),
    Case("c12-chunked-whole", _chunked(_html(f"<p>{ZH}</p><p>结尾文字</p>").encode()),
         check=_check_dechunked),
    Case("c12-gzip-bomb", gzip.compress(b"\x00" * 30_000_000, 9), error="gzip"),
    Case("c13-frameset",
         b'<html><frameset cols="50%,50%"><frame src="a.html"><frame src="b.html"></frameset>'
         b"</html>", check=zero_blocks),
    Case("c13-noscript-only", _html(f"<noscript><p>{ZH}</p></noscript>").encode(),
         check=has(ZH)),
    Case("c13-spa-shell",
         _html('<div id="app"></div><script src="/app.js"></script><script>boot()</script>')
         .encode(), check=zero_blocks),
    Case("c14-5mb-one-line", ("中国人民" * 420_000).encode(), kind="text",
         check=_check_long(1_680_000)),
    Case("c15-keyword-stuffing", _html("<p>" + "外挂 加微信 百家乐 " * 2000 + "</p>").encode(),
         check=has("百家乐")),
    Case("c15-display-none",
         _html(f'<p>{ZH}</p><div style="display: none"><p>看不见的文字</p></div>').encode(),
         check=_check_hidden),
    Case("c15-link-density-1",
         _html("".join(f'<a href="/{i}">链接{i}</a> ' for i in range(300))).encode(),
         check=has("链接299")),
    Case("c15-zero-width-full-width",
         _html(f"<p>加\u200b微\u200b信 ＡＢＣ１２３ {ZH}</p>").encode(), check=_check_zero_width),
]
IDS = [c.id for c in CASES]


def _valid_record(rec: dict[str, Any]) -> None:
    json.dumps(rec, ensure_ascii=False, allow_nan=False)
    assert 0.0 <= rec["quality"] <= 1.0 and isinstance(rec["spam"], bool)
    for b in rec["blocks"]:
        assert b["label"] in LABELS and 0.0 <= b["score"] <= 1.0
        assert all(0.0 <= s <= 1.0 for s in b["scores"].values())


def _suffix(case: Case) -> str:
    return ".txt" if case.kind == "text" else ".html"


@pytest.fixture(scope="module", autouse=True)
def _generous_time_limit() -> Iterator[None]:
    """The monster cases must reach their outcome on a slow, shared CI machine too: the time
    limit itself is tested in test_limits.py, not here."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PAGESIEVE_MAX_SECONDS", "600")
        yield


@pytest.fixture(scope="module")
def model() -> Any:
    try:
        return load_model()
    except PagesieveError as exc:
        pytest.skip(f"no usable model ({exc}); run `make model`")


# --- the Python API ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_api(case: Case, model: Any) -> None:
    def run() -> dict[str, Any]:
        return classify_page(case.data, kind=case.kind, http_charset=case.http_charset,  # type: ignore[arg-type]
                             model=model, explain=False).to_dict()

    if case.error:
        with pytest.raises(PagesieveError, match=case.error) as err:
            run()
        assert "\n" not in str(err.value)
        return
    rec = run()
    _valid_record(rec)
    assert case.check is not None
    case.check(rec)
    if len(case.data) < 1_000_000:  # deterministic (the big ones are checked by size only)
        assert run() == rec


# --- the CLI (in process: the model loads once) -----------------------------------------------


@pytest.mark.parametrize("case", [c for c in CASES if c.http_charset is None],
                         ids=[c.id for c in CASES if c.http_charset is None])
def test_cli(case: Case, tmp_path: Path, model: Any) -> None:
    path = tmp_path / f"page{_suffix(case)}"
    path.write_bytes(case.data)
    res = CliRunner().invoke(cli_app, ["classify", str(path), "--kind", case.kind])
    if case.error:
        assert res.exit_code == 2 and res.stdout == ""
        lines = res.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("pagesieve: error: ")
        assert case.error in lines[0] and "Traceback" not in res.stderr
        return
    assert res.exit_code == 0, res.stderr
    rec = json.loads(res.stdout)
    _valid_record(rec)
    assert case.check is not None
    case.check(rec)


# --- the batch runner: all cases in one run -----------------------------------------------------


@pytest.fixture(scope="module")
def batch_run(tmp_path_factory: pytest.TempPathFactory, model: Any) -> Iterator[dict[str, Any]]:
    pytest.importorskip("fastwarc", reason="the batch extra is not installed")
    from pagesieve.batch.cli_commands import clean_command

    root = tmp_path_factory.mktemp("bad-inputs-batch")
    inp = root / "in"
    inp.mkdir()
    for c in CASES:
        if c.http_charset is None:
            (inp / f"{c.id}{_suffix(c)}").write_bytes(c.data)
    out = root / "out"
    code = clean_command([inp], out, workers=1, blocks=True)
    records: dict[str, dict[str, Any]] = {}
    for p in sorted(out.glob("part-*.jsonl")):
        for line in p.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            name = Path(rec["source"]).stem
            assert name not in records, f"{name} written twice"
            records[name] = rec
    rejects = [json.loads(x) for x in (out / "_rejects.jsonl").read_text("utf-8").splitlines()]
    yield {"code": code, "records": records, "rejects": rejects, "inp": inp}
    shutil.rmtree(root, ignore_errors=True)


def test_batch_run_completes(batch_run: dict[str, Any]) -> None:
    assert batch_run["code"] == 0
    n_files = len(list(batch_run["inp"].iterdir()))
    assert len(batch_run["records"]) + len(batch_run["rejects"]) == n_files


@pytest.mark.parametrize("case", [c for c in CASES if c.http_charset is None],
                         ids=[c.id for c in CASES if c.http_charset is None])
def test_batch(case: Case, batch_run: dict[str, Any]) -> None:
    rejects = [r for r in batch_run["rejects"] if Path(r["source"]).stem == case.id]
    if case.error:
        assert case.id not in batch_run["records"]
        [rej] = rejects
        assert rej["source"] == str(batch_run["inp"] / f"{case.id}{_suffix(case)}")
        assert rej["offset"] == 0 and case.error in rej["reason"]
        return
    assert rejects == []
    rec = batch_run["records"][case.id]
    _valid_record(rec)
    assert case.check is not None
    case.check(rec)


# --- the HTTP service: raw bodies ---------------------------------------------------------------


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, model: Any) -> Iterator[Any]:
    pytest.importorskip("fastapi", reason="the serve extra is not installed")
    from fastapi.testclient import TestClient

    from pagesieve.service import create_app

    db = tmp_path_factory.mktemp("bad-inputs-db") / "f.db"
    app = create_app(database_url=f"sqlite:///{db}", max_body_bytes=16 * 1024 * 1024)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_service(case: Case, client: Any) -> None:
    ctype = "text/plain" if case.kind == "text" else "text/html"
    if case.http_charset:
        ctype += f"; charset={case.http_charset}"
    r = client.post("/v1/classify", content=case.data, headers={"content-type": ctype})
    if case.error:
        assert 400 <= r.status_code < 500, r.status_code
        assert case.error in r.json()["detail"]
        return
    assert r.status_code == 200, r.text[:300]
    rec = r.json()
    _valid_record(rec)
    assert case.check is not None
    case.check(rec)
    assert client.get("/healthz").status_code == 200


# --- cases that live on some surfaces only ----------------------------------------------------


def test_lone_surrogate_str_through_api_and_batch(tmp_path: Path, model: Any) -> None:
    """Case 7 for str input (API) and JSON escapes (batch JSONL): replaced, never an error."""
    rec = classify_page(f"前\ud800后\x00{ZH}", kind="text", model=model).to_dict()
    _valid_record(rec)
    assert "\ud800" not in texts(rec) and "\x00" not in texts(rec) and ZH in texts(rec)
    pytest.importorskip("fastwarc", reason="the batch extra is not installed")
    from pagesieve.batch.cli_commands import clean_command

    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "s.jsonl").write_text('{"id": "s", "text": "前\\ud800后\\u0000' + ZH + '"}\n',
                                 encoding="utf-8")
    assert clean_command([inp], tmp_path / "out", workers=1, blocks=True) == 0
    [part] = (tmp_path / "out").glob("part-*.jsonl")
    [out] = [json.loads(x) for x in part.read_text("utf-8").splitlines()]
    _valid_record(out)
    assert ZH in texts(out) and "\ud800" not in texts(out) and "\x00" not in texts(out)


def test_jsonl_cases_through_clean(tmp_path: Path, model: Any) -> None:
    """Case 17 end to end: each bad line is one reject with its line number, the rest pages."""
    pytest.importorskip("fastwarc", reason="the batch extra is not installed")
    from pagesieve.batch.cli_commands import clean_command

    deep = "[" * 100_000 + "]" * 100_000
    lines = [
        b"\xef\xbb\xbf" + json.dumps({"id": "bom", "text": ZH}, ensure_ascii=False).encode(),
        b'{"id": "broken", "html": ',
        b'{"id": "two", "text": "a"}{"id": "three", "text": "b"}',
        b'{"id": "null", "text": null}',
        b'{"id": "nan", "text": NaN}',
        b'{"id": "deep", "x": ' + deep.encode() + b', "text": "x"}',
        json.dumps({"id": "last", "html": _html(f"<p>{ZH}</p>")}, ensure_ascii=False).encode(),
    ]
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "p.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    out = tmp_path / "out"
    assert clean_command([inp], out, workers=1) == 0
    [part] = out.glob("part-*.jsonl")
    recs = [json.loads(x) for x in part.read_text("utf-8").splitlines()]
    assert [r["id"] for r in recs] == ["bom", "last"]
    rejects = [json.loads(x) for x in (out / "_rejects.jsonl").read_text("utf-8").splitlines()]
    assert [r["offset"] for r in rejects] == [2, 3, 4, 5, 6]
    assert all(r["source"] == str(inp / "p.jsonl") and r["reason"] for r in rejects)


def test_tampered_model_through_every_surface(tmp_path: Path) -> None:
    """Case 20: a model whose bytes do not match its manifest is refused before unpickling."""
    from pagesieve.errors import ModelError
    from pagesieve.model import default_model_path, manifest_path

    src = default_model_path()
    if not src.is_file():
        pytest.skip(f"no model at {src}")
    bad = tmp_path / "m.joblib"
    bad.write_bytes(src.read_bytes() + b"\x00")  # one byte appended: the hash no longer matches
    shutil.copy(manifest_path(src), manifest_path(bad))
    with pytest.raises(ModelError, match=r"(?i)hash|sha256|tamper"):
        classify_page(ZH, model=bad)
    res = CliRunner().invoke(cli_app, ["classify", "-", "--model", str(bad)], input=ZH)
    assert res.exit_code == 3 and res.stderr.startswith("pagesieve: error: ")
    pytest.importorskip("fastapi", reason="the serve extra is not installed")
    from fastapi.testclient import TestClient

    from pagesieve.service import create_app

    app = create_app(model_path=bad, database_url=f"sqlite:///{tmp_path / 'f.db'}")
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/readyz")
        assert r.status_code == 503 and "model" in r.json()["reason"]
        assert c.post("/v1/classify", json={"text": ZH}).status_code == 503
        assert c.get("/healthz").status_code == 200
    from pagesieve.service.cli_commands import serve_command

    assert serve_command(model=bad, database_url=f"sqlite:///{tmp_path / 'f.db'}") == 3


def test_tampered_or_missing_model_stops_clean_with_exit_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`clean` stops as `classify` does (exit 3, one line), and leaves nothing that would make
    the same command ask for --resume once the model is fixed."""
    from pagesieve.batch.cli_commands import clean_command
    from pagesieve.model import default_model_path, manifest_path

    src = default_model_path()
    if not src.is_file():
        pytest.skip(f"no model at {src}")
    bad = tmp_path / "m.joblib"
    bad.write_bytes(src.read_bytes() + b"\x00")
    shutil.copy(manifest_path(src), manifest_path(bad))
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "a.txt").write_text(ZH, encoding="utf-8")
    out = tmp_path / "out"
    assert clean_command([inp], out, workers=1, model=bad, progress=False) == 3
    err = capsys.readouterr().err
    assert err.startswith("pagesieve: error: ") and "Traceback" not in err
    assert clean_command([inp], tmp_path / "out2", model=tmp_path / "absent.joblib") == 3
    assert clean_command([inp], out, workers=1, progress=False) == 0  # no --resume needed
    assert (out / "_SUCCESS").is_file()
