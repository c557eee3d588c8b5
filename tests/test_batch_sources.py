"""Batch sources: every input shape becomes pages, rejects (with source/offset/reason) or skips.

All fixtures are written here: own pages, own JSONL, WARC files made with warcio's writer (and a
few deliberately broken byte sequences, since broken WARCs are the point of those tests).
"""

from __future__ import annotations

import gzip
import io
import json
import os
import zlib
from pathlib import Path
from typing import Any

import pytest

from pagesieve.batch.sources import (
    Reject,
    Skipped,
    SourceRecord,
    discover,
    iter_jsonl,
    iter_page_file,
    iter_unit,
    iter_warc,
)
from pagesieve.limits import Limits

warcio = pytest.importorskip("warcio")
pytest.importorskip("fastwarc")

from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

PAGE = "<html><head><title>测试</title></head><body><p>第{n}篇：城市发展的故事。</p></body></html>"


# --------------------------------------------------------------------------------------------
# WARC fixture builders


class Warc:
    """Builds a WARC with warcio's writer, one call per record."""

    def __init__(self, gz: bool) -> None:
        self.buf = io.BytesIO()
        self.w = WARCWriter(self.buf, gzip=gz)
        self.w.write_record(self.w.create_warcinfo_record("test.warc", {"software": "tests"}))

    def response(
        self,
        uri: str,
        body: bytes,
        headers: list[tuple[str, str]] | None = None,
        status: str = "200 OK",
    ) -> None:
        h = StatusAndHeaders(status, headers or [("Content-Type", "text/html")],
                             protocol="HTTP/1.1")
        self.w.write_record(
            self.w.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=h)
        )

    def request(self, uri: str) -> None:
        raw = b"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n"
        self.w.write_record(self.w.create_warc_record(uri, "request", payload=io.BytesIO(raw)))

    def metadata(self, uri: str) -> None:
        raw = b"via: http://example.com/\r\n"
        self.w.write_record(self.w.create_warc_record(
            uri, "metadata", payload=io.BytesIO(raw), warc_content_type="application/warc-fields"
        ))

    def revisit(self, uri: str) -> None:
        self.w.write_record(self.w.create_revisit_record(
            uri, "sha1:AAAA", uri, "2024-01-01T00:00:00Z"
        ))

    def raw(self, uri: str, rtype: str, block: bytes, warc_content_type: str) -> None:
        """A record holding `block` as is (warcio parses HTTP headers of http: responses)."""
        record = self.w.create_warc_record(
            "urn:test", rtype, payload=io.BytesIO(block), warc_content_type=warc_content_type
        )
        record.rec_headers.replace_header("WARC-Target-URI", uri)
        self.w.write_record(record)

    def bytes(self) -> bytes:
        return self.buf.getvalue()


def raw_record(uri: str, block: bytes) -> bytes:
    """A WARC response record around `block` as is (for HTTP header blocks warcio would fix)."""
    head = (
        "WARC/1.0\r\nWARC-Type: response\r\n"
        f"WARC-Record-ID: <urn:uuid:raw-{abs(hash(uri))}>\r\nWARC-Target-URI: {uri}\r\n"
        "WARC-Date: 2024-01-01T00:00:00Z\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(block)}\r\n\r\n"
    ).encode()
    return head + block + b"\r\n\r\n"


def kinds(items: list) -> list[str]:
    return [type(i).__name__ for i in items]


def pages_of(items: list) -> list[SourceRecord]:
    return [i for i in items if isinstance(i, SourceRecord)]


def rejects_of(items: list) -> list[Reject]:
    return [i for i in items if isinstance(i, Reject)]


# --------------------------------------------------------------------------------------------
# discovery and loose files


def test_discover_walks_folders_in_a_stable_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "a" / "2.html").write_text("x")
    (tmp_path / "a" / "1.htm").write_text("x")
    (tmp_path / "a" / "notes.md").write_text("x")  # other suffixes in folders are ignored
    (tmp_path / "b" / "p.txt").write_text("x")
    (tmp_path / "b" / "c.jsonl.gz").write_bytes(gzip.compress(b""))
    (tmp_path / "b" / "w.warc").write_bytes(b"")
    (tmp_path / ".hidden" / "x.html").write_text("x")
    (tmp_path / "a" / ".swap.html").write_text("x")

    units = discover([tmp_path])
    assert [(u.kind, [Path(p).name for p in u.paths]) for u in units] == [
        ("jsonl", ["c.jsonl.gz"]),
        ("warc", ["w.warc"]),
        ("pages", ["1.htm", "2.html"]),
        ("pages", ["p.txt"]),
    ]
    # the same paths give the same unit keys (shard names depend on them)
    assert [u.key for u in discover([tmp_path])] == [u.key for u in units]
    # a file named twice is read once
    again = discover([tmp_path / "a" / "1.htm", tmp_path / "a"])
    assert sum(len(u.paths) for u in again) == 2


def test_discover_leaves_out_excluded_paths_whether_they_exist_or_not(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text("x")
    (tmp_path / "rej.jsonl").write_text("{}\n")
    excluded = [tmp_path / "out", tmp_path / "rej.jsonl"]
    before = discover([tmp_path], exclude=excluded)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "part-x.jsonl").write_text("{}\n")
    (tmp_path / "out" / "sub").mkdir()
    (tmp_path / "out" / "sub" / "b.html").write_text("x")
    after = discover([tmp_path], exclude=excluded)
    assert before == after
    assert [[Path(p).name for p in u.paths] for u in after] == [["a.html"]]
    # named explicitly, an excluded file is still read (the runner refuses such a run)
    assert len(discover([tmp_path / "rej.jsonl"], exclude=excluded)) == 1


def test_discover_follows_symlinked_folders_once_and_ends_on_a_loop(tmp_path: Path) -> None:
    crawl = tmp_path / "crawl"
    (crawl / "day1").mkdir(parents=True)
    (crawl / "day1" / "a.html").write_text("x")
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "b.html").write_text("x")
    (inp / "day1").symlink_to(crawl / "day1")  # a crawl laid out with links
    (inp / "again").symlink_to(crawl / "day1")  # the same folder twice: read once
    (inp / "up").symlink_to(inp)  # a link back up the tree
    units = discover([inp])
    assert sorted(Path(p).name for u in units for p in u.paths) == ["a.html", "b.html"]
    assert [u.key for u in discover([inp])] == [u.key for u in units]


def test_discover_missing_input_and_unsupported_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="input not found"):
        discover([tmp_path / "nope"])
    odd = tmp_path / "data.csv"
    odd.write_text("a,b")
    [unit] = discover([odd])
    assert unit.kind == "unsupported"
    [item] = list(iter_unit(unit))
    assert isinstance(item, Reject)
    assert item.source == str(odd) and item.offset == 0 and "unsupported input type" in item.reason


def test_loose_pages_kinds_limits_and_a_vanished_file(tmp_path: Path) -> None:
    html = tmp_path / "a.html"
    html.write_bytes(PAGE.format(n=1).encode("gb18030"))
    txt = tmp_path / "b.txt"
    txt.write_text("纯文本。", encoding="utf-8")
    big = tmp_path / "c.html"
    big.write_bytes(b"<p>" + b"x" * 2000 + b"</p>")

    [rec] = list(iter_page_file(str(html)))
    assert isinstance(rec, SourceRecord)
    assert (rec.source, rec.offset, rec.kind, rec.data) == (
        str(html), 0, "html", PAGE.format(n=1).encode("gb18030")
    )
    [rec] = list(iter_page_file(str(txt)))
    assert isinstance(rec, SourceRecord) and rec.kind == "text"
    [rej] = list(iter_page_file(str(big), Limits(max_bytes=1000)))
    assert isinstance(rej, Reject) and "over the limit of 1,000 bytes" in rej.reason

    [unit] = discover([tmp_path])
    html.unlink()  # vanishes between listing and reading
    items = list(iter_unit(unit))
    assert kinds(items) == ["Reject", "SourceRecord", "SourceRecord"]
    assert items[0].source == str(html) and "vanished" in items[0].reason


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")
@pytest.mark.timeout(30)
def test_fifos_and_devices_are_rejects_not_hangs(tmp_path: Path) -> None:
    """Opening a FIFO blocks until something writes to it: in a folder it would stall the run."""
    (tmp_path / "a.html").write_text(PAGE.format(n=1), encoding="utf-8")
    os.mkfifo(tmp_path / "b.html")
    os.mkfifo(tmp_path / "c.jsonl")
    os.mkfifo(tmp_path / "d.warc.gz")
    (tmp_path / "e.html").symlink_to(os.devnull)
    items = [it for unit in discover([tmp_path]) for it in iter_unit(unit)]
    assert sorted((Path(it.source).name, type(it).__name__) for it in items) == [
        ("a.html", "SourceRecord"), ("b.html", "Reject"), ("c.jsonl", "Reject"),
        ("d.warc.gz", "Reject"), ("e.html", "Reject"),
    ]
    reasons = {Path(it.source).name: it.reason for it in items if isinstance(it, Reject)}
    assert reasons["b.html"].startswith("input is a FIFO, not a regular file")
    assert reasons["e.html"].startswith("input is a character device, not a regular file")
    # named on the command line, the same
    [rej] = list(iter_jsonl(str(tmp_path / "c.jsonl")))
    assert isinstance(rej, Reject) and "FIFO" in rej.reason


# --------------------------------------------------------------------------------------------
# JSONL


def _jsonl_lines() -> list[bytes]:
    deep = "[" * 100_000 + "]" * 100_000
    return [
        b"\xef\xbb\xbf" + json.dumps(
            {"id": 1, "url": "http://a/1", "html": PAGE.format(n=1)}, ensure_ascii=False
        ).encode(),                                                        # 1 BOM: fine
        json.dumps({"id": "t2", "text": "纯文本页面。"}, ensure_ascii=False).encode(),  # 2
        b'{"id": "t3", "html": ',                                          # 3 broken
        b'{"id": "t4", "text": "a"}{"id": "t5", "text": "b"}',             # 4 two objects
        b'{"id": "t6", "html": null}',                                     # 5 null html
        b'{"id": "t7", "text": NaN}',                                      # 6 NaN
        b'{"id": "t8", "deep": ' + deep.encode() + b', "text": "x"}',      # 7 100k deep
        b"[1, 2]",                                                         # 8 not an object
        b"   ",                                                            # 9 blank: ignored
        b'{"id": "t10", "url": 5, "text": "x"}',                           # 10 bad url type
        b'{"id": "t11", "text": "\\ud800 lone surrogate"}',                # 11 fine
        b'{"id": "t12"}',                                                  # 12 no page
        b'{"id": "t13", "text": "\xff\xfe"}',                              # 13 not UTF-8
        b'{"id": {"x": 1}, "text": "x"}',                                  # 14 bad id type
        b'{"id": "t15", "html": ["<p>"]}',                                 # 15 html not str
    ]


EXPECTED_JSONL_REJECTS = {
    3: "invalid JSON",
    4: "two JSON values on one line",
    5: "`html` is null",
    6: "NaN is not valid JSON",
    7: "nested too deeply",
    8: "not a JSON object",
    10: "`url` must be a string",
    12: "no `html` or `text` field",
    13: "not UTF-8",
    14: "`id` must be a string or an integer",
    15: "`html` must be a string",
}


def test_jsonl_good_lines_become_pages_and_bad_lines_rejects(tmp_path: Path) -> None:
    path = tmp_path / "pages.jsonl"
    path.write_bytes(b"\n".join(_jsonl_lines()) + b"\n")
    items = list(iter_jsonl(str(path)))
    pages = pages_of(items)
    assert [(p.offset, p.id, p.url, p.kind) for p in pages] == [
        (1, 1, "http://a/1", "html"),
        (2, "t2", None, "text"),
        (11, "t11", None, "text"),
    ]
    assert pages[0].data == PAGE.format(n=1)
    rejects = rejects_of(items)
    assert {r.offset: r.reason for r in rejects}.keys() == EXPECTED_JSONL_REJECTS.keys()
    for r in rejects:
        assert r.source == str(path)
        assert EXPECTED_JSONL_REJECTS[r.offset] in r.reason, (r.offset, r.reason)
    # a reject keeps the id when the line had a usable one
    assert next(r for r in rejects if r.offset == 5).id == "t6"


def test_jsonl_gz_and_a_truncated_gz(tmp_path: Path) -> None:
    lines = [json.dumps({"id": i, "text": f"第{i}行文本。" * 20}, ensure_ascii=False).encode()
             for i in range(200)]
    blob = gzip.compress(b"\n".join(lines) + b"\n")
    ok = tmp_path / "ok.jsonl.gz"
    ok.write_bytes(blob)
    assert [p.id for p in pages_of(list(iter_jsonl(str(ok))))] == list(range(200))

    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(blob[: len(blob) // 2])
    items = list(iter_jsonl(str(cut)))
    pages = pages_of(items)
    assert 0 < len(pages) < 200
    assert [p.id for p in pages] == list(range(len(pages)))  # the lines before the cut are kept
    [rej] = rejects_of(items)
    assert rej is items[-1]
    assert rej.offset == len(pages) + 1 and "file cut?" in rej.reason

    plain = tmp_path / "plain.jsonl.gz"  # named .gz, not compressed: not "file cut?"
    plain.write_bytes(b'{"id": 1, "text": "x"}\n')
    [rej] = list(iter_jsonl(str(plain)))
    assert isinstance(rej, Reject) and rej.offset == 1
    assert rej.reason.startswith("not a gzip stream (named .gz)")


def test_jsonl_line_over_the_byte_limit_is_rejected_and_reading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    path.write_text(
        json.dumps({"id": "big", "text": "x" * 5000}) + "\n" + json.dumps({"id": "ok", "text": "y"})
        + "\n"
    )
    items = list(iter_jsonl(str(path), Limits(max_bytes=1000)))
    assert kinds(items) == ["Reject", "SourceRecord"]
    assert items[0].offset == 1 and "over the limit" in items[0].reason
    assert items[1].id == "ok" and items[1].offset == 2


@pytest.mark.parametrize("end", [b"\n", b"\r\n", b"\r"], ids=["LF", "CRLF", "CR"])
def test_jsonl_lines_end_in_lf_crlf_or_a_lone_cr(tmp_path: Path, end: bytes) -> None:
    """Old Mac and some Windows tools end lines with a lone CR; JSON holds no raw CR, so it
    always ends a line (it was read as one line: a reject naming two JSON values)."""
    lines = [json.dumps({"id": i, "text": f"第{i}行"}, ensure_ascii=False).encode()
             for i in range(5)]
    path = tmp_path / "a.jsonl"
    path.write_bytes(end.join(lines[:3]) + end + end + end.join(lines[3:]))  # a blank line too
    items = list(iter_jsonl(str(path)))
    assert kinds(items) == ["SourceRecord"] * 5
    assert [(p.id, p.offset, p.data) for p in items] == [
        (0, 1, "第0行"), (1, 2, "第1行"), (2, 3, "第2行"), (3, 5, "第3行"), (4, 6, "第4行")]


def test_jsonl_line_reader_matches_a_plain_split_at_every_read_size() -> None:
    """`_lines` reads in chunks: a CRLF split between two reads, a line over the cap cut
    anywhere, a last line with or without its end all come out as a plain split says."""
    import random
    import re

    from pagesieve.batch import sources

    def expected(data: bytes, cap: int) -> list[tuple[bytes, bool]]:
        parts = re.split(rb"\r\n|\r|\n", data)
        if parts[-1] == b"":
            parts.pop()
        return [(b"", True) if len(p) > cap else (p, False) for p in parts]

    rng = random.Random(7)
    for size in (1, 2, 3, 64):
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(sources, "_READ_SIZE", size)
            for _ in range(800):
                data = bytes(rng.choice(b"ab\r\n") for _ in range(rng.randrange(40)))
                cap = rng.randrange(8)
                got = list(sources._lines(io.BytesIO(data), cap))
                assert got == expected(data, cap), (size, data, cap)


# --------------------------------------------------------------------------------------------
# WARC


def _crawl(gz: bool) -> bytes:
    w = Warc(gz)
    for n in range(3):
        w.request(f"http://example.com/{n}")
        w.response(f"http://example.com/{n}", PAGE.format(n=n).encode("gbk"),
                   [("Content-Type", "text/html; charset=gbk")])
    w.metadata("http://example.com/0")
    w.revisit("http://example.com/0")
    w.response("http://example.com/missing", b"<p>not found</p>", status="404 Not Found")
    w.response("http://example.com/logo.png", b"\x89PNG\r\n\x1a\n", [("Content-Type", "image/png")])
    w.response("http://example.com/plain", "纯文本响应。".encode(),
               [("Content-Type", "text/plain")])
    return w.bytes()


@pytest.mark.parametrize("gz", [False, True], ids=["warc", "warc.gz"])
def test_warc_responses_are_pages_and_other_records_are_skipped(tmp_path: Path, gz: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    path.write_bytes(_crawl(gz))
    items = list(iter_warc(str(path)))
    assert not rejects_of(items)
    pages = pages_of(items)
    assert [p.url for p in pages] == [f"http://example.com/{n}" for n in range(3)] + [
        "http://example.com/plain"
    ]
    assert [p.kind for p in pages] == ["html", "html", "html", "text"]
    assert pages[0].data == PAGE.format(n=0).encode("gbk")
    assert pages[0].http_charset == "gbk"
    assert all(p.record_id and p.record_id.startswith("<urn:uuid:") for p in pages)
    assert len({p.offset for p in pages}) == 4
    reasons = [s.reason for s in items if isinstance(s, Skipped)]
    for expected in ("warcinfo", "request", "metadata", "revisit", "HTTP status 404",
                     "not a page: image/png"):
        assert any(expected in r for r in reasons), (expected, reasons)
    assert pages[0].extra() == {"url": "http://example.com/0",
                                "warc_record_id": pages[0].record_id}


def test_warc_payload_encodings_are_undone_with_a_bomb_cap(tmp_path: Path) -> None:
    html = PAGE.format(n=7).encode("utf-8")
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(html), html)
    bomb = gzip.compress(b"<p>" + b"a" * 3_000_000 + b"</p>")
    w = Warc(gz=False)
    w.response("http://e/gzip", gzip.compress(html), [("Content-Type", "text/html"),
                                                      ("Content-Encoding", "gzip")])
    w.response("http://e/deflate", zlib.compress(html), [("Content-Type", "text/html"),
                                                         ("Content-Encoding", "deflate")])
    w.response("http://e/chunked", chunked, [("Content-Type", "text/html"),
                                             ("Transfer-Encoding", "chunked")])
    w.response("http://e/header-lies", html, [("Content-Type", "text/html"),
                                              ("Content-Encoding", "gzip")])
    w.response("http://e/still-gzip", gzip.compress(html), [("Content-Type", "text/html")])
    w.response("http://e/bomb", bomb, [("Content-Type", "text/html"),
                                       ("Content-Encoding", "gzip")])
    w.response("http://e/corrupt", gzip.compress(html)[:-12] + b"\x00" * 12,
               [("Content-Type", "text/html"), ("Content-Encoding", "gzip")])
    path = tmp_path / "enc.warc"
    path.write_bytes(w.bytes())
    items = [i for i in iter_warc(str(path), Limits(max_bytes=1_000_000))
             if not isinstance(i, Skipped)]
    got = {i.url: i for i in items}
    for url in ("gzip", "deflate", "chunked", "header-lies", "still-gzip"):
        rec = got[f"http://e/{url}"]
        assert isinstance(rec, SourceRecord) and rec.data == html, url
    assert isinstance(got["http://e/bomb"], Reject)
    assert "decompression bomb" in got["http://e/bomb"].reason
    assert isinstance(got["http://e/corrupt"], Reject)
    assert "corrupt" in got["http://e/corrupt"].reason


def test_warc_brotli_payloads_whole_stored_decoded_and_cut(tmp_path: Path) -> None:
    """A brotli payload cut short became a page of its first two characters: it is left as it
    is (compressed bytes), which the reader refuses as binary, as a cut gzip payload is."""
    brotli = pytest.importorskip("brotli")
    from pagesieve.batch.sources import _decode_payload

    html = (PAGE.format(n=9) * 30).encode("utf-8")
    br = brotli.compress(html)
    headers = {"Content-Encoding": "br"}
    assert _decode_payload(br, headers, 1_000_000) == html
    assert _decode_payload(html, headers, 1_000_000) == html  # the header describes the wire
    assert _decode_payload(br[: len(br) // 2], headers, 1_000_000) == br[: len(br) // 2]


def test_warc_lf_only_http_headers_and_a_wrong_content_length(tmp_path: Path) -> None:
    lf_page = PAGE.format(n=1).encode("gbk")
    lf = raw_record(
        "http://e/lf", b"HTTP/1.1 200 OK\nContent-Type: text/html; charset=gbk\n\n" + lf_page
    )
    w = Warc(gz=False)
    w.response("http://e/before", PAGE.format(n=0).encode())
    good = raw_record("http://e/after", b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
                      + PAGE.format(n=2).encode())
    # Content-Length 10 bytes short: the record's tail is garbage before the next record
    short_block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + PAGE.format(n=3).encode()
    short = raw_record("http://e/short", short_block).replace(
        f"Content-Length: {len(short_block)}".encode(),
        f"Content-Length: {len(short_block) - 10}".encode(),
    )
    path = tmp_path / "odd.warc"
    path.write_bytes(w.bytes() + lf + short + good)
    pages = pages_of(list(iter_warc(str(path))))
    by_url = {p.url: p for p in pages}
    assert by_url["http://e/lf"].data == lf_page
    assert by_url["http://e/lf"].http_charset == "gbk"
    assert by_url["http://e/lf"].kind == "html"
    # 10 bytes short: the whole payload is read (the reader alone cut it and skipped the rest)
    assert by_url["http://e/short"].data == PAGE.format(n=3).encode()
    assert by_url["http://e/after"].data == PAGE.format(n=2).encode()
    assert by_url["http://e/before"].data == PAGE.format(n=0).encode()


def test_warc_truncated_record_is_still_a_page(tmp_path: Path) -> None:
    """WARC-Truncated (the crawler stopped reading) is a complete record of a cut page: the
    page is classified as it is, not rejected, even when cut inside a character."""
    body = PAGE.format(n=5).encode("utf-8")
    cut = body[: body.index("城".encode()) + 1]  # one byte into a three-byte character
    w = Warc(gz=True)
    h = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                         protocol="HTTP/1.1")
    w.w.write_record(w.w.create_warc_record(
        "http://e/cut", "response", payload=io.BytesIO(cut), http_headers=h,
        warc_headers_dict={"WARC-Truncated": "length"},
    ))
    path = tmp_path / "t.warc.gz"
    path.write_bytes(w.bytes())
    [page] = pages_of(list(iter_warc(str(path))))
    assert page.data == cut and page.url == "http://e/cut"


def test_truncated_warc_gz_keeps_the_records_before_the_cut(tmp_path: Path) -> None:
    w = Warc(gz=True)
    for n in range(20):
        w.response(f"http://e/{n}", (PAGE.format(n=n) * 20).encode())
    blob = w.bytes()
    cut_at = int(len(blob) * 0.7)
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(blob[:cut_at])
    items = list(iter_warc(str(path)))
    pages = pages_of(items)
    assert 5 < len(pages) < 20
    assert [p.url for p in pages] == [f"http://e/{n}" for n in range(len(pages))]
    [rej] = rejects_of(items)
    assert rej is items[-1]
    assert rej.source == str(path)
    assert pages[-1].offset < rej.offset < cut_at
    # FastWARC either hands over the cut record (rejected as cut short) or stops before it (the
    # gzip tail check reports the cut member); both name the place of the cut
    assert "cut short" in rej.reason and "truncated" in rej.reason


def test_truncated_plain_warc_rejects_the_cut_record(tmp_path: Path) -> None:
    w = Warc(gz=False)
    for n in range(5):
        w.response(f"http://e/{n}", (PAGE.format(n=n) * 5).encode())
    blob = w.bytes()
    path = tmp_path / "cut.warc"
    path.write_bytes(blob[: blob.index(b"http://e/4")] + b"http://e/4\r\n")  # cut in a header
    items = list(iter_warc(str(path)))
    assert [p.url for p in pages_of(items)] == [f"http://e/{n}" for n in range(4)]
    assert len(rejects_of(items)) == 1
    body_cut = tmp_path / "body-cut.warc"
    body_cut.write_bytes(blob[:-200])  # cut inside the last page
    items = list(iter_warc(str(body_cut)))
    assert [p.url for p in pages_of(items)] == [f"http://e/{n}" for n in range(4)]
    [rej] = rejects_of(items)
    assert rej.url == "http://e/4" and "cut short" in rej.reason


def test_truncated_one_stream_warc_gz_is_one_reject(tmp_path: Path) -> None:
    """A whole-file gzip cut inside a record: that record's reject, not a second one for the
    gzip member at byte 0 (the whole file)."""
    w = Warc(gz=False)
    for n in range(10):
        w.response(f"http://e/{n}", (PAGE.format(n=n) * 200).encode())
    z = gzip.compress(w.bytes())
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(z[: len(z) // 2])
    items = list(iter_warc(str(path)))
    pages = pages_of(items)
    assert [p.url for p in pages] == [f"http://e/{n}" for n in range(len(pages))]
    [rej] = rejects_of(items)
    assert rej.url == f"http://e/{len(pages)}" and "cut short" in rej.reason


def test_corrupt_gzip_member_is_rejected_and_reading_resumes_after_it(tmp_path: Path) -> None:
    w = Warc(gz=True)
    offsets = []
    for n in range(6):
        offsets.append(len(w.bytes()))
        w.response(f"http://e/{n}", (PAGE.format(n=n) * 10).encode())
    blob = bytearray(w.bytes())
    mid = offsets[2] + (offsets[3] - offsets[2]) // 2
    blob[mid:mid + 16] = b"\x00" * 16  # damage the third record's member
    path = tmp_path / "damaged.warc.gz"
    path.write_bytes(bytes(blob))
    items = list(iter_warc(str(path)))
    assert [p.url for p in pages_of(items)] == ["http://e/0", "http://e/1", "http://e/3",
                                                 "http://e/4", "http://e/5"]
    [rej] = rejects_of(items)
    assert rej.offset == offsets[2] and "corrupt" in rej.reason


def test_warc_limits_and_non_warc_input(tmp_path: Path) -> None:
    w = Warc(gz=False)
    w.response("http://e/big", b"<p>" + b"x" * 5000 + b"</p>")
    w.response("http://e/small", b"<p>ok</p>")
    path = tmp_path / "l.warc"
    path.write_bytes(w.bytes())
    items = [i for i in iter_warc(str(path), Limits(max_bytes=1000)) if not isinstance(i, Skipped)]
    assert kinds(items) == ["Reject", "SourceRecord"]
    assert items[0].url == "http://e/big" and "over the limit" in items[0].reason

    junk = tmp_path / "junk.warc"
    junk.write_bytes(b"this is not a WARC file\n" * 20)
    [rej] = list(iter_warc(str(junk)))
    assert isinstance(rej, Reject) and "no WARC records" in rej.reason
    empty = tmp_path / "empty.warc.gz"
    empty.write_bytes(b"")
    assert list(iter_warc(str(empty))) == []
    gone = tmp_path / "gone.warc"
    [rej] = list(iter_warc(str(gone)))
    assert isinstance(rej, Reject) and "vanished" in rej.reason


@pytest.mark.parametrize("gz", [False, True], ids=["warc", "warc.gz"])
def test_warc_dns_records_are_skipped_and_a_response_without_http_is_a_reject(
    tmp_path: Path, gz: bool
) -> None:
    """Heritrix writes its DNS lookups as ``dns:`` records of ``text/dns``: not pages. A
    response record whose block is not an HTTP message is no page either, and says so."""
    dns = b"20240101000000\nwww.example.com.\t300\tIN\tA\t93.184.216.34\n"
    w = Warc(gz)
    w.raw("dns:www.example.com", "response", dns, "text/dns")
    w.raw("dns:www.example.com", "resource", dns, "text/dns")
    w.raw("dns:www.example.org", "response", dns, "application/octet-stream")
    w.raw("http://e/not-http", "response", "这不是HTTP消息，只是文字。".encode(),
          "application/http; msgtype=response")
    w.raw("http://e/empty", "response", b"", "application/http; msgtype=response")
    w.response("http://e/page", PAGE.format(n=1).encode())
    path = tmp_path / ("dns.warc.gz" if gz else "dns.warc")
    path.write_bytes(w.bytes())
    items = list(iter_warc(str(path)))
    assert [p.url for p in pages_of(items)] == ["http://e/page"]
    skipped = [i.reason for i in items if isinstance(i, Skipped)]
    assert skipped.count("not a page: DNS lookup record") == 3, skipped
    rejects = rejects_of(items)
    assert [r.url for r in rejects] == ["http://e/not-http", "http://e/empty"]
    assert all(r.reason == "response record holds no HTTP message" for r in rejects)


def test_warc_target_uri_in_angle_brackets_is_read_without_them(tmp_path: Path) -> None:
    """WARC 1.1's examples wrote ``WARC-Target-URI: <http://...>`` and some writers copied
    them; the record's `url` is the URI itself."""
    w = Warc(False)
    w.response("<http://example.com/a?x=1>", PAGE.format(n=1).encode())
    w.response("http://example.com/b", PAGE.format(n=2).encode())
    path = tmp_path / "brackets.warc"
    path.write_bytes(w.bytes())
    assert [p.url for p in pages_of(list(iter_warc(str(path))))] == [
        "http://example.com/a?x=1", "http://example.com/b"]


def _overrun_warc(extra: int) -> list[bytes]:
    """Four response records; the second claims `extra` more bytes than it holds."""
    def rec(n: int) -> bytes:
        return raw_record(f"http://e/{n}", b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
                          + PAGE.format(n=n).encode())

    second = rec(2)
    size = len(second.split(b"\r\n\r\n", 1)[1]) - 4
    second = second.replace(f"Content-Length: {size}".encode(),
                            f"Content-Length: {size + extra}".encode())
    return [rec(1), second, rec(3), rec(4)]


@pytest.mark.parametrize("extra", [40, 400, 5000])  # into the next record, past it, past the end
@pytest.mark.parametrize("packing", ["plain", "gzip members"])
def test_warc_a_content_length_too_long_loses_no_record(
    tmp_path: Path, extra: int, packing: str
) -> None:
    """The reader would take the next records as the payload's tail (silently lost): the record
    is cut where the next one starts, and reading goes on there."""
    recs = _overrun_warc(extra)
    path = tmp_path / ("o.warc" if packing == "plain" else "o.warc.gz")
    path.write_bytes(b"".join(recs) if packing == "plain"
                     else b"".join(gzip.compress(r) for r in recs))
    items = list(iter_warc(str(path)))
    assert kinds(items) == ["SourceRecord"] * 4
    assert [(p.url, p.data) for p in pages_of(items)] == [
        (f"http://e/{n}", PAGE.format(n=n).encode()) for n in (1, 2, 3, 4)
    ]


def test_warc_a_content_length_too_long_in_one_gzip_stream_is_a_reject(tmp_path: Path) -> None:
    """One gzip stream for the whole file cannot be re-read from the swallowed record: the
    loss is recorded, the overlong record is kept cut at its real end."""
    path = tmp_path / "o.warc.gz"
    path.write_bytes(gzip.compress(b"".join(_overrun_warc(400))))
    items = list(iter_warc(str(path)))
    [rej] = rejects_of(items)
    assert "runs into the records after it" in rej.reason and rej.url is None
    assert [(p.url, p.data) for p in pages_of(items)] == [
        (f"http://e/{n}", PAGE.format(n=n).encode()) for n in (1, 2)
    ]


def test_warc_a_content_length_too_long_in_one_gzip_stream_keeps_the_records_after(
    tmp_path: Path,
) -> None:
    """The check that looked for the swallowed record moved the reader's own file handle to
    the end: every record after the overlong one was lost without a word."""
    import random

    rng = random.Random(5)  # pages gzip cannot shrink, so the reader cannot buffer the file
    bodies = {n: "".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(40_000)).encode()
              for n in range(1, 9)}

    def rec(n: int) -> bytes:
        return raw_record(f"http://e/{n}", b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
                          + bodies[n])

    recs = [rec(n) for n in range(1, 9)]
    size = len(recs[1].split(b"\r\n\r\n", 1)[1]) - 4
    recs[1] = recs[1].replace(f"Content-Length: {size}".encode(),
                              f"Content-Length: {size + 40}".encode())
    path = tmp_path / "o.warc.gz"
    path.write_bytes(gzip.compress(b"".join(recs)))
    items = list(iter_warc(str(path)))
    [rej] = rejects_of(items)
    assert "runs into the records after it" in rej.reason
    assert [p.url for p in pages_of(items)] == [f"http://e/{n}" for n in (1, 2, 4, 5, 6, 7, 8)]
    assert pages_of(items)[1].data == bodies[2]


@pytest.mark.parametrize("packing", ["plain", "gzip members"])
def test_warc_a_valid_page_quoting_a_whole_warc_record_is_not_cut(
    tmp_path: Path, packing: str
) -> None:
    """A page about WARC files quotes a record, version line and WARC-Type included (LF-only,
    as typed in a <pre>): its Content-Length is right, so nothing is cut and no record made
    up (it was cut at the quote, and in a plain file the quote became a record of its own)."""
    quote = ("<pre>\n\nWARC/1.0\nWARC-Type: response\nWARC-Target-URI: http://phantom/\n"
             "Content-Length: 60\n\nHTTP/1.1 200 OK\n\n示例</pre>")
    page = f"<html><body><h1>抓取记录示例</h1>{quote}{'<p>正文继续。</p>' * 50}</body></html>"
    w = Warc(gz=packing != "plain")
    w.response("http://e/before", PAGE.format(n=1).encode())
    w.response("http://e/doc", page.encode())
    w.response("http://e/after", PAGE.format(n=2).encode())
    path = tmp_path / ("q.warc" if packing == "plain" else "q.warc.gz")
    path.write_bytes(w.bytes())
    items = list(iter_warc(str(path)))
    assert kinds(items) == ["Skipped", "SourceRecord", "SourceRecord", "SourceRecord"]
    assert [(p.url, p.data) for p in pages_of(items)] == [
        ("http://e/before", PAGE.format(n=1).encode()), ("http://e/doc", page.encode()),
        ("http://e/after", PAGE.format(n=2).encode())]


def test_warc_gz_a_content_length_too_short_gives_the_whole_page(tmp_path: Path) -> None:
    """A gzip member a record: a Content-Length 40 bytes short cut the page (mid-character)
    without a word; the member says how long the record is."""
    def rec(n: int, short: int = 0) -> bytes:
        block = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
                 + PAGE.format(n=n).encode())
        r = raw_record(f"http://e/{n}", block)
        return r.replace(f"Content-Length: {len(block)}".encode(),
                         f"Content-Length: {len(block) - short}".encode())

    path = tmp_path / "s.warc.gz"
    path.write_bytes(b"".join(gzip.compress(r) for r in (rec(1), rec(2, short=40), rec(3))))
    items = list(iter_warc(str(path)))
    assert [(p.url, p.data) for p in pages_of(items)] == [
        (f"http://e/{n}", PAGE.format(n=n).encode()) for n in (1, 2, 3)]


@pytest.mark.parametrize("junk", [b"XX", b"GARBAGE\r\n" * 5, b"\r\n"])
def test_warc_junk_between_records_loses_no_record(tmp_path: Path, junk: bytes) -> None:
    """Bytes between one record's end and the next record's head: the reader skipped them
    and the record after them without a word."""
    recs = _overrun_warc(0)
    path = tmp_path / "j.warc"
    path.write_bytes(recs[0] + junk + recs[1] + recs[2] + junk + recs[3])
    items = list(iter_warc(str(path)))
    assert kinds(items) == ["SourceRecord"] * 4
    assert [(p.url, p.data) for p in pages_of(items)] == [
        (f"http://e/{n}", PAGE.format(n=n).encode()) for n in (1, 2, 3, 4)]


def test_warc_a_page_quoting_a_warc_header_is_not_cut(tmp_path: Path) -> None:
    """Only the end of a record followed by a WARC version line and a WARC-Type header cuts."""
    quoting = ("<html><body><pre>\r\n\r\nWARC/1.0\r\nContent-Length: 12\r\n</pre>"
               "<p>一份 WARC 文件的样子</p></body></html>").encode()
    w = raw_record("http://e/q", b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + quoting)
    path = tmp_path / "q.warc"
    path.write_bytes(w + _overrun_warc(0)[0])
    pages = pages_of(list(iter_warc(str(path))))
    assert len(pages) == 2 and (pages[0].url, pages[0].data) == ("http://e/q", quoting)


def test_warc_a_too_long_record_that_quotes_a_warc_header_loses_no_record(
    tmp_path: Path,
) -> None:
    """The overlong record's payload quotes a WARC version line (no header block after it): the
    cut and the place reading goes on from are both the real next record, not the quote."""
    quote = ("<pre>\r\n\r\nWARC/1.0\r\nContent-Length: 12\r\n</pre>" + "<p>说明文字。</p>" * 300)
    page = f"<html><body>{quote}</body></html>".encode()
    second = raw_record("http://e/2", b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + page)
    size = len(second.split(b"\r\n\r\n", 1)[1]) - 4
    second = second.replace(f"Content-Length: {size}".encode(),
                            f"Content-Length: {size + 400}".encode())
    first, _, third, fourth = _overrun_warc(0)
    path = tmp_path / "q.warc"
    path.write_bytes(first + second + third + fourth)
    items = list(iter_warc(str(path)))
    assert kinds(items) == ["SourceRecord"] * 4
    assert [p.url for p in pages_of(items)] == [f"http://e/{n}" for n in (1, 2, 3, 4)]
    assert pages_of(items)[1].data == page


@pytest.mark.skipif(not hasattr(__import__("signal"), "setitimer"), reason="needs setitimer")
def test_a_ctrl_c_while_a_file_is_opened_stays_a_ctrl_c(tmp_path: Path) -> None:
    """An interrupt inside `os.fdopen` (which then closes the descriptor) made the cleanup's
    second close raise EBADF, which replaced the KeyboardInterrupt: the run went on and the
    page became an "unreadable" reject that --resume never redid. Thousands of opens under a
    fast interval timer land interrupts everywhere in the opening."""
    import signal

    from pagesieve.batch.sources import _open_regular

    page = tmp_path / "a.html"
    page.write_bytes(b"<p>x</p>")
    armed = False

    def interrupt(signum: int, frame: object) -> None:
        if armed:
            raise KeyboardInterrupt

    old = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, 0.00005, 0.00013)
    other: list[BaseException] = []
    try:
        for _ in range(5000):
            try:
                armed = True
                fh = _open_regular(str(page))
                armed = False
                fh.close()
            except KeyboardInterrupt:
                armed = False
            except OSError as exc:
                armed = False
                other.append(exc)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    assert other == []


def test_a_folder_that_cannot_be_listed_is_a_reject_not_silence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """os.walk passes over a folder it cannot list (no permission, a path over PATH_MAX): its
    pages were left out, with exit 0 and no word. (Permissions are simulated: tests may run
    as root, whom they do not stop.)"""
    root = tmp_path / "in"
    for name in ("open", "shut"):
        (root / name).mkdir(parents=True)
        (root / name / "a.html").write_text(PAGE.format(n=1), encoding="utf-8")
    shut = str(root / "shut")
    real_scandir = os.scandir

    def scandir(path: Any = ".") -> Any:
        if os.fspath(path) == shut:
            raise PermissionError(13, "Permission denied", shut)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    units = discover([root])
    assert [(u.kind, u.paths) for u in units] == [
        ("pages", (str(root / "open" / "a.html"),)), ("unlisted", (shut,))]
    [rej] = list(iter_unit(units[1]))
    assert isinstance(rej, Reject) and rej.source == shut
    assert rej.reason == "folder cannot be listed: Permission denied; the pages in it were not read"
