"""Coverage-guided fuzz target (atheris/libFuzzer) for `classify_page`.

Any exception other than the documented ones (`PagesieveError`; `ValueError` only for a bad
`keep`, which this target never passes) is a crash; so is a score outside [0, 1], a record that
is not strict JSON, or two runs on the same input that disagree (checked on a quarter of
the inputs, to keep the run fast).

    PYTHONPATH=src .venv/bin/python tests/fuzz/fuzz_classify.py -max_total_time=600 CORPUS_DIR

The corpus folder is seeded with a few generated pages (GBK, Big5, UTF-16, deep nesting, ...)
when empty; given files instead, it runs just those (a finding replayed). libFuzzer options
(``-max_total_time``, ``-max_len``, ``-timeout``, ``-runs``) pass through.
`tests/test_fuzz_classify.py` runs it for a bounded time in `make test`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["pagesieve"]):
    from pagesieve.classify import classify_page
    from pagesieve.errors import PagesieveError
    from pagesieve.limits import Limits
    from pagesieve.model import load_model

MODEL = load_model()
# Small limits so the fuzzer reaches the limit paths too; max_seconds is large so a slow
# machine never turns a run into a false "time limit" finding.
LIMITS = Limits(max_bytes=48 * 1024, max_blocks=64, max_block_chars=200, max_seconds=600.0)
CHARSETS = [None, "utf-8", "gbk", "gb2312", "big5", "utf-16", "x-user-defined", "utf8mb4", "zz"]
KINDS = ["auto", "html", "text"]


def seeds() -> list[bytes]:
    """Generated seed inputs (no shared data)."""
    zh = "新闻正文：城市交通改善，市民出行更方便。加微信买外挂！镕喆"
    html = f'<html><head><meta charset="gbk"></head><body><div><p>{zh}</p></div></body></html>'
    return [
        b"",
        b"<html></html>",
        html.encode("gb18030"),
        html.encode("utf-8"),
        html.replace("gbk", "big5").encode("big5hkscs", "replace"),
        "\ufeff".encode("utf-16-le") + zh.encode("utf-16-le"),
        b"\xef\xbb\xbf" + html.encode("utf-8"),
        ("<div>" * 300 + zh + "</div>" * 10).encode("utf-8"),
        ("<p><b><i>" * 200 + zh).encode("utf-8"),
        f"{zh}\n\n• 相关阅读\n摘要 2024-01-01 阅读 12\n\n版权所有".encode(),
        b'<p style="display:none">hidden</p><a href="#">\xe2\x80\x8b\xef\xbc\xa1link</a>',
        b"\x1f\x8b\x08\x00" + bytes(20),
    ]


def test_one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    kind = KINDS[fdp.ConsumeIntInRange(0, len(KINDS) - 1)]
    charset = CHARSETS[fdp.ConsumeIntInRange(0, len(CHARSETS) - 1)]
    recheck = fdp.ConsumeIntInRange(0, 3) == 0  # determinism on a quarter of the inputs
    page = fdp.ConsumeBytes(fdp.remaining_bytes())
    try:
        res = classify_page(page, kind=kind, http_charset=charset, model=MODEL, limits=LIMITS)  # type: ignore[arg-type]
    except PagesieveError:
        return
    rec = res.to_dict()
    json.dumps(rec, ensure_ascii=False, allow_nan=False)
    if not 0.0 <= res.quality <= 1.0:
        raise AssertionError(f"quality {res.quality} outside [0, 1]")
    for lb in res.blocks:
        for name, s in lb.label.scores.items():
            if not 0.0 <= s <= 1.0:
                raise AssertionError(f"score {name}={s} outside [0, 1]")
        if not lb.block.text or lb.block.text != lb.block.text.strip():
            raise AssertionError(f"block text not stripped/non-empty: {lb.block.text!r}")
    if not recheck:
        return
    again = classify_page(page, kind=kind, http_charset=charset, model=MODEL, limits=LIMITS)  # type: ignore[arg-type]
    if again.to_dict() != rec:
        raise AssertionError("classify_page is not deterministic on this input")


def main(argv: list[str]) -> None:
    corpus = [a for a in argv[1:] if not a.startswith("-")]
    if corpus and not Path(corpus[0]).is_file():  # files given: libFuzzer runs just those
        folder = Path(corpus[0])
        folder.mkdir(parents=True, exist_ok=True)
        if not any(folder.iterdir()):
            for i, s in enumerate(seeds()):
                # three leading bytes pick kind, charset and the recheck in test_one_input
                (folder / f"seed-{i:02d}").write_bytes(bytes([0, 0, 0]) + s)
    atheris.Setup(argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
