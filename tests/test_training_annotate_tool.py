"""The annotation helper: page lookup per data set layout, spec parsing, and apply."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pagesieve.annotations import labels_for_blocks, load_annotations
from pagesieve.training.annotate_tool import main, page_blocks, page_bytes, parse_spec, signature

PAGE = (
    "<html><head><title>t</title></head><body><div><a href='/'>首页</a> <a href='/n'>新闻</a></div>"
    "<h1>一个足够长的新闻标题在这里</h1><p>这是正文的第一段，讲述了一件事情的来龙去脉，足够长。</p>"
    "<div class='footer'>版权所有 © 2020 某某网 京ICP备12345678号</div></body></html>"
)


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    (root / "readability-zh" / "site").mkdir(parents=True)
    (root / "readability-zh" / "site" / "source.html").write_text(PAGE, encoding="utf-8")
    (root / "webmainbench-zh").mkdir()
    rows = [{"track_id": "other", "html": "<p>x</p>"}, {"track_id": "abc", "html": PAGE}]
    (root / "webmainbench-zh" / "samples.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    (root / "cwced-zh" / "pages").mkdir(parents=True)
    (root / "cwced-zh" / "pages" / "u1.html").write_text(PAGE, encoding="utf-8")
    return root


def test_page_bytes_per_layout(data: Path) -> None:
    want = PAGE.encode("utf-8")
    assert page_bytes("readability-zh/site", data) == want
    assert page_bytes("webmainbench-zh/abc", data) == want
    assert page_bytes("cwced-zh/u1", data) == want
    with pytest.raises(FileNotFoundError):
        page_bytes("webmainbench-zh/missing", data)
    with pytest.raises(FileNotFoundError):
        page_bytes("readability-zh/missing", data)


def test_spec_ranges_and_overlap(tmp_path: Path) -> None:
    spec = tmp_path / "a.spec"
    spec.write_text("page: x/y\nsig: abc\n0-2 b  # nav\n3,5 c\n4 related\n", encoding="utf-8")
    key, sig, labels = parse_spec(spec)
    assert (key, sig) == ("x/y", "abc")
    assert labels == {0: "boilerplate", 1: "boilerplate", 2: "boilerplate", 3: "content",
                      4: "related", 5: "content"}
    spec.write_text("page: x/y\n0-2 b\n2 c\n", encoding="utf-8")
    with pytest.raises(ValueError, match="labelled twice"):
        parse_spec(spec)


def test_apply_writes_one_file_per_data_set(data: Path, tmp_path: Path) -> None:
    out, specs = tmp_path / "ann", []
    for key in ("readability-zh/site", "webmainbench-zh/abc"):
        blocks = page_blocks(key, data)
        assert len(blocks) >= 3
        spec = tmp_path / (key.replace("/", "_") + ".spec")
        last = len(blocks) - 1
        spec.write_text(
            f"page: {key}\nsig: {signature(blocks)}\n0 b\n1-{last - 1} c\n{last} b\n",
            encoding="utf-8",
        )
        specs.append(str(spec))
    assert main(["--data", str(data), "--out", str(out), "apply", "--strict", *specs]) == 0
    assert sorted(p.name for p in out.glob("*.jsonl")) == [
        "readability-zh.jsonl", "webmainbench-zh.jsonl"]
    ann = load_annotations(out)
    blocks = page_blocks("webmainbench-zh/abc", data)
    labels = labels_for_blocks(ann["webmainbench-zh/abc"], blocks)
    assert labels[0] == labels[-1] == "boilerplate" and set(labels[1:-1]) == {"content"}
    # A spec that leaves a block out is refused.
    bad = tmp_path / "bad.spec"
    bad.write_text(f"page: cwced-zh/u1\nsig: {signature(page_blocks('cwced-zh/u1', data))}\n0 b\n")
    with pytest.raises(ValueError, match="unlabelled blocks"):
        main(["--data", str(data), "--out", str(out), "apply", str(bad)])


def test_every_committed_annotation_has_its_page(shared_data: Path, repo_dir: Path) -> None:
    ann = load_annotations(repo_dir / "data" / "annotations")
    assert ann
    for key in ann:
        assert page_bytes(key, shared_data), key
