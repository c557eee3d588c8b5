from __future__ import annotations

import json
from pathlib import Path

import pytest

from pagesieve.annotations import block_hash, labels_for_blocks, load_annotations, write_annotations
from pagesieve.types import LABELS, Block

REPO = Path(__file__).resolve().parents[1]


def test_roundtrip_holds_no_text(tmp_path: Path) -> None:
    blocks = [Block(0, "首页 新闻"), Block(1, "正文第一段"), Block(2, "首页 新闻")]
    write_annotations(
        tmp_path / "x.jsonl",
        {"set/p1": zip(blocks, ["boilerplate", "content", "related"], strict=True)},
    )
    raw = (tmp_path / "x.jsonl").read_text(encoding="utf-8")
    assert "正文" not in raw and "首页" not in raw
    ann = load_annotations(tmp_path)["set/p1"]
    assert labels_for_blocks(ann, blocks) == ["boilerplate", "content", "related"]
    # A block that moved keeps its label; an unknown block gets None.
    moved = [Block(0, "新的一块"), Block(1, "首页 新闻"), Block(2, "正文第一段")]
    assert labels_for_blocks(ann, moved) == [None, "boilerplate", "content"]
    assert block_hash("a b\nc") == block_hash("abc")


def test_unknown_label_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "bad.jsonl").write_text(
        json.dumps({"page": "p", "block": 0, "hash": "x", "label": "spam"}) + "\n"
    )
    with pytest.raises(ValueError, match="unknown label"):
        load_annotations(tmp_path)


def test_a_malformed_line_is_named_by_file_and_line(tmp_path: Path) -> None:
    """A line without a label or not JSON at all: a ValueError naming the place (a KeyError
    traceback, or a JSON message without a file, before)."""
    good = json.dumps({"page": "p", "block": 0, "hash": "x", "label": "ad"})
    for bad, why in [('{"page": "x/y", "block": 0}', "missing 'hash'"),
                     ("not json", "not an annotation line"),
                     ('{"page": "p", "block": "first", "hash": "x", "label": "ad"}', "first")]:
        (tmp_path / "a.jsonl").write_text(good + "\n" + bad + "\n", encoding="utf-8")
        with pytest.raises(ValueError, match=f"a.jsonl:2: .*{why}"):
            load_annotations(tmp_path)


def test_committed_annotations_are_labels_only() -> None:
    folder = REPO / "data" / "annotations"
    ann = load_annotations(folder)
    assert len(ann) >= 40
    for path in folder.glob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            assert set(rec) == {"page", "block", "hash", "label"} and rec["label"] in LABELS
