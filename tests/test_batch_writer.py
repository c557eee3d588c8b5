"""Batch writer: files appear whole or not at all, markers follow shards, rejects merge in order."""

from __future__ import annotations

import errno
import gzip
import json
import os
from pathlib import Path

import pytest

from pagesieve.batch import writer as writer_mod
from pagesieve.batch.writer import AtomicFile, ShardStore, dumps_record, encode_records


def visible(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def test_atomic_file_appears_only_on_commit(tmp_path: Path) -> None:
    target = tmp_path / "part-a.jsonl"
    f = AtomicFile(target)
    f.write(b'{"a":1}\n')
    assert not target.exists()
    assert visible(tmp_path) == []  # the temp file is hidden
    assert f.tmp.exists() and f.tmp.name.startswith(".")
    f.commit()
    assert target.read_bytes() == b'{"a":1}\n'
    assert not f.tmp.exists()
    with pytest.raises(ValueError):
        f.write(b"more")


def test_atomic_file_abort_and_error_leave_nothing(tmp_path: Path) -> None:
    target = tmp_path / "x.jsonl"
    with AtomicFile(target) as f:
        f.write(b"half")
    assert list(tmp_path.iterdir()) == []  # left without commit: removed
    with pytest.raises(RuntimeError), AtomicFile(target) as f:
        f.write(b"half")
        raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_atomic_file_keeps_a_link_and_writes_through_a_fifo(tmp_path: Path) -> None:
    """`--rejects /dev/stdout` or a link must not be swapped for a regular file by the rename."""
    real = tmp_path / "real.jsonl"
    real.write_bytes(b"old\n")
    link = tmp_path / "link.jsonl"
    link.symlink_to(real)
    with AtomicFile(link) as f:
        f.write(b"new\n")
        f.commit()
    assert link.is_symlink() and real.read_bytes() == b"new\n"

    dangling = tmp_path / "dangling.jsonl"
    dangling.symlink_to(tmp_path / "made.jsonl")
    with AtomicFile(dangling) as f:
        f.write(b"x\n")
        f.commit()
    assert dangling.is_symlink() and (tmp_path / "made.jsonl").read_bytes() == b"x\n"

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader, so opening to write works
    try:
        with AtomicFile(fifo) as f:
            f.write(b"through\n")
            f.commit()
        assert os.read(reader, 100) == b"through\n"
    finally:
        os.close(reader)
    assert fifo.is_fifo()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "dangling.jsonl", "fifo", "link.jsonl", "made.jsonl", "real.jsonl"]


def test_disk_full_on_commit_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "part-x.jsonl"
    f = AtomicFile(target)
    f.write(b'{"a":1}\n' * 1000)

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(writer_mod.os, "fsync", full)
    with pytest.raises(OSError, match="No space left"):
        f.commit()
    assert list(tmp_path.iterdir()) == []


def test_dumps_record_is_compact_utf8_and_survives_lone_surrogates() -> None:
    assert dumps_record({"text": "中文", "n": 1}) == '{"text":"中文","n":1}'
    line = dumps_record({"id": "a\ud800b", "text": "中"})
    line.encode("utf-8")  # valid UTF-8 on disk
    assert json.loads(line) == {"id": "a\ud800b", "text": "中"}
    with pytest.raises(ValueError):
        dumps_record({"q": float("nan")})


def test_gzip_batches_concatenate_into_one_readable_file(tmp_path: Path) -> None:
    target = tmp_path / "part-g.jsonl.gz"
    with AtomicFile(target) as f:
        f.write(encode_records([{"n": 1}, {"n": 2}], gzip=True))
        f.write(encode_records([], gzip=True))
        f.write(encode_records([{"n": 3}], gzip=True))
        f.commit()
    with gzip.open(target, "rt", encoding="utf-8") as fh:
        assert [json.loads(line)["n"] for line in fh] == [1, 2, 3]
    # deterministic bytes (mtime 0), so reruns produce identical shards
    assert encode_records([{"n": 1}], gzip=True) == encode_records([{"n": 1}], gzip=True)


def test_shard_store_finish_order_markers_and_rejects(tmp_path: Path) -> None:
    store = ShardStore(tmp_path / "out", gzip=False)
    assert not store.has_output()
    data = store.open_shard("u-00000")
    data.write(encode_records([{"source": "a"}]))
    store.finish_shard("u-00000", data, [{"source": "a", "offset": 3, "reason": "bad"}],
                       {"records": 1, "rejects": 1, "skipped": 0})
    store.finish_shard("u-00001", None, [], {"records": 0, "rejects": 0, "skipped": 2})
    assert store.has_output()
    assert visible(store.outdir) == ["_state", "part-u-00000.jsonl"]
    assert store.shard_done("u-00000") == {"shard": "u-00000", "records": 1, "rejects": 1,
                                           "skipped": 0}
    assert store.shard_done("u-00001")["skipped"] == 2
    assert store.shard_done("u-00002") is None
    dest = tmp_path / "rejects.jsonl"
    assert store.merge_rejects(["u-00001", "u-00000"], dest) == 1
    assert json.loads(dest.read_text()) == {"source": "a", "offset": 3, "reason": "bad"}


def test_a_failed_shard_write_writes_no_marker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = ShardStore(tmp_path, gzip=True)
    data = store.open_shard("u-00000")
    data.write(encode_records([{"x": 1}], gzip=True))
    real_replace = os.replace

    def replace(src: str, dst: str) -> None:
        if str(dst).endswith(".jsonl.gz"):
            raise OSError(errno.ENOSPC, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(writer_mod.os, "replace", replace)
    with pytest.raises(OSError):
        store.finish_shard("u-00000", data, [], {"records": 1, "rejects": 0, "skipped": 0})
    assert store.shard_done("u-00000") is None
    assert not store.shard_path("u-00000").exists()
    assert [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_remove_temp_files_cleans_what_a_killed_run_left(tmp_path: Path) -> None:
    store = ShardStore(tmp_path)
    f = store.open_shard("u-00000")
    f.write(b"partial")
    # simulate kill -9: the file object is never committed nor aborted
    assert store.remove_temp_files() == 1
    assert list(tmp_path.iterdir()) == []
