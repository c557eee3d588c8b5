"""Batch output: JSONL shards that appear only when complete, their markers, and the rejects.

Layout of an output folder::

    part-<unit>-<shard>.jsonl[.gz]   one record a page, in input order
    _state/run.json                  the settings of the run (checked by --resume)
    _state/lock                      flock'ed by the run that writes the folder (one at a time)
    _state/done/<shard>.json         marker: the shard and its rejects are complete (+ counts
                                     and a digest of its input's file list)
    _state/done/<unit>.unit.json     marker: every shard of an input is complete
    _state/rejects/<shard>.jsonl     rejects of one shard
    _rejects.jsonl                   all rejects, merged at the end (or --rejects FILE)
    _SUCCESS                         the run finished; holds the summary

Every file is written under a hidden temporary name and renamed into place, so readers never
see a partial file, and a marker is written only after its shard is in place: a shard without a
marker is rewritten by the next run. Gzip output is a series of gzip members (one per batch),
which every gzip reader concatenates; that lets workers compress in parallel.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO, Any

from ..native import compiled_part
from ..types import record_json

__all__ = [
    "AtomicFile",
    "ShardStore",
    "dumps_record",
    "encode_lines",
    "encode_records",
    "write_json_atomic",
]

TMP_PREFIX = "."
TMP_SUFFIX = ".tmp"
#: The longest file name most file systems take (ext4, xfs, btrfs, tmpfs: 255 bytes).
_NAME_MAX = 255


def dumps_record(record: Mapping[str, Any]) -> str:
    """One compact JSON line (no newline). Lone surrogates from input fall back to escapes."""
    if _FAST is not None:
        line: str | None = _FAST.dumps_record(record)
        if line is not None:
            return line
    return _dumps_record(record)


def _dumps_record(record: Mapping[str, Any]) -> str:
    """`dumps_record` through json (the reference; _fastwriter.pyx writes plain records)."""
    return record_json(record, separators=(",", ":"), allow_nan=False)


#: The compiled `dumps_record` when built, else None (json writes every record).
_FAST: Any = compiled_part("_fastwriter")


def encode_lines(lines: Iterable[str], *, gzip: bool = False) -> bytes:
    """Lines (no newlines) as bytes; with `gzip`, one complete gzip member (mtime 0, so the
    bytes are deterministic and reruns write identical shards)."""
    data = "".join(line + "\n" for line in lines).encode("utf-8")
    if gzip and data:
        import gzip as gzip_format  # only with --gzip: off every other run's start

        return gzip_format.compress(data, compresslevel=6, mtime=0)
    return data


def encode_records(records: Iterable[Mapping[str, Any]], *, gzip: bool = False) -> bytes:
    """Records as JSON lines, like `encode_lines`."""
    return encode_lines((dumps_record(r) for r in records), gzip=gzip)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class AtomicFile:
    """Bytes written to a hidden temp file beside `path`; `commit()` makes them appear at once.

    `abort()` (or leaving the `with` block on an error, or without committing) removes the temp
    file, so a failed write — a full disk — leaves nothing half-written behind.

    A symbolic link at `path` stays: the file it points to is the one replaced. A `path` that is
    not a regular file (``/dev/stdout``, ``/dev/null``, a FIFO) cannot be replaced without
    destroying it, so it is written through instead (no temp file; nothing to roll back).
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.through = _special_file(self.path)
        self.bytes_written = 0
        if self.through:
            self.tmp = self.path
            self._fh: IO[bytes] | None = open(self.path, "wb")  # noqa: SIM115
            return
        if self.path.is_symlink():
            self.path = Path(os.path.realpath(self.path))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = self.path.with_name(f"{TMP_PREFIX}{self.path.name}.{os.getpid()}{TMP_SUFFIX}")
        self._fh = open(self.tmp, "wb")  # noqa: SIM115

    def write(self, data: bytes) -> None:
        if self._fh is None:
            raise ValueError(f"{self.path} is already committed or aborted")
        self._fh.write(data)
        self.bytes_written += len(data)

    def commit(self) -> Path:
        if self._fh is None:
            raise ValueError(f"{self.path} is already committed or aborted")
        fh, self._fh = self._fh, None
        if self.through:
            fh.close()
            return self.path
        try:
            fh.flush()
            os.fsync(fh.fileno())
            fh.close()
            os.replace(self.tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                fh.close()
            self._remove_tmp()
            raise
        _fsync_dir(self.path.parent)
        return self.path

    def abort(self) -> None:
        if self._fh is not None:
            fh, self._fh = self._fh, None
            with contextlib.suppress(OSError):
                fh.close()
        self._remove_tmp()

    def _remove_tmp(self) -> None:
        if self.through:
            return
        with contextlib.suppress(OSError):
            self.tmp.unlink()

    def __enter__(self) -> AtomicFile:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fh is not None:
            self.abort()


def unwritable_file(path: Path) -> str | None:
    """Why a file cannot be written at `path` (a folder is there, or the nearest existing
    folder on its way is not writable), or None: the check `clean` and `spark` make on
    `--rejects` before any work, since it is written only at the end."""
    if path.is_dir():
        return "is a folder; name a file"
    where = next((q for q in (path, *path.parents) if q.exists()), None)
    if where is not None and not os.access(where, os.W_OK):
        return f"cannot write to {where}"
    # written as `.<name>.<pid>.tmp` first: a name near the limit failed after all the work
    spare = len(TMP_PREFIX) + len(f".{2**22}") + len(TMP_SUFFIX)
    if len(os.fsencode(path.name)) + spare > _NAME_MAX:
        return f"the name is too long (at most {_NAME_MAX - spare} bytes here)"
    return None


def _special_file(path: Path) -> bool:
    """Whether `path` (followed through links) exists and is not a regular file or a folder."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def write_json_atomic(path: Path, obj: Any) -> None:
    with AtomicFile(path) as f:
        f.write((json.dumps(obj, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
        f.commit()


class ShardStore:
    """The output folder of one run: where shards, markers and rejects go (see module doc)."""

    def __init__(self, outdir: Path, *, gzip: bool = False) -> None:
        self.outdir = Path(outdir)
        self.gzip = gzip
        self.state = self.outdir / "_state"
        self.done_dir = self.state / "done"
        self.rejects_dir = self.state / "rejects"
        self._lock_fd: int | None = None

    # -- names ------------------------------------------------------------------------------
    def shard_path(self, name: str) -> Path:
        return self.outdir / f"part-{name}.jsonl{'.gz' if self.gzip else ''}"

    def marker_path(self, name: str) -> Path:
        return self.done_dir / f"{name}.json"

    def unit_marker_path(self, key: str) -> Path:
        return self.done_dir / f"{key}.unit.json"

    def shard_rejects_path(self, name: str) -> Path:
        return self.rejects_dir / f"{name}.jsonl"

    @property
    def run_path(self) -> Path:
        return self.state / "run.json"

    @property
    def success_path(self) -> Path:
        return self.outdir / "_SUCCESS"

    @property
    def rejects_path(self) -> Path:
        """Where the rejects go unless the run names another file (--rejects)."""
        return self.outdir / "_rejects.jsonl"

    @property
    def lock_path(self) -> Path:
        return self.state / "lock"

    # -- the lock ---------------------------------------------------------------------------
    def lock(self) -> None:
        """Hold the folder's lock (``flock`` on `lock_path`) until `unlock` or this process
        ends (the kernel drops it then, after kill -9 too, so a resume is never locked out by a
        dead run). `BlockingIOError` if another run holds it. A no-op without `fcntl`."""
        if self._lock_fd is not None:
            return
        try:
            import fcntl
        except ImportError:  # not POSIX
            return
        self.state.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BaseException:
            os.close(fd)
            raise
        self._lock_fd = fd

    def unlock(self) -> None:
        fd, self._lock_fd = self._lock_fd, None
        if fd is not None:
            os.close(fd)  # closing the only descriptor releases the flock

    # -- state ------------------------------------------------------------------------------
    def has_output(self) -> bool:
        """Whether the folder already holds (part of) a run."""
        if not self.outdir.is_dir():
            return False
        return self.state.exists() or self.success_path.exists() or any(
            p.name.startswith("part-") for p in self.outdir.iterdir()
        )

    def forget_empty_run(self) -> bool:
        """Remove the state of a run that wrote nothing (it stopped before its first page: a
        model that would not load), so the same command starts afresh instead of asking for
        --resume. False, and nothing removed, if anything but the run's settings is there."""
        if not self.state.is_dir() or self.success_path.exists() or any(
            p.name.startswith(("part-", TMP_PREFIX)) for p in self.outdir.iterdir()
        ):
            return False
        if any(p.is_file() and p not in (self.run_path, self.lock_path)
               for p in self.state.rglob("*")):
            return False
        shutil.rmtree(self.state, ignore_errors=True)
        return not self.state.exists()

    def remove_temp_files(self) -> int:
        """Delete temp files a killed run left behind; the count removed."""
        n = 0
        for folder in (self.outdir, self.done_dir, self.rejects_dir, self.state):
            if not folder.is_dir():
                continue
            for p in folder.iterdir():
                if p.name.startswith(TMP_PREFIX) and p.name.endswith(TMP_SUFFIX):
                    with contextlib.suppress(OSError):
                        p.unlink()
                        n += 1
        return n

    def read_marker(self, path: Path) -> dict[str, Any] | None:
        try:
            obj = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return obj if isinstance(obj, dict) else None

    def shard_done(self, name: str) -> dict[str, Any] | None:
        return self.read_marker(self.marker_path(name))

    def unit_done(self, key: str) -> dict[str, Any] | None:
        return self.read_marker(self.unit_marker_path(key))

    def unit_shard_markers(self, key: str) -> list[dict[str, Any]]:
        """The markers of the finished shards of unit `key` (named ``<key>-<n>``)."""
        if not self.done_dir.is_dir():
            return []
        out = []
        for p in sorted(self.done_dir.glob(f"{key}-*.json")):
            if p.name[len(key) + 1:-len(".json")].isdigit():
                marker = self.read_marker(p)
                if marker is not None:
                    out.append(marker)
        return out

    # -- writing ----------------------------------------------------------------------------
    def open_shard(self, name: str) -> AtomicFile:
        return AtomicFile(self.shard_path(name))

    def finish_shard(
        self,
        name: str,
        data: AtomicFile | None,
        rejects: Iterable[Mapping[str, Any]],
        stats: Mapping[str, Any],
    ) -> None:
        """Put a shard in place: its rejects, then its data file, then its marker."""
        rejects = list(rejects)
        try:
            if rejects:
                with AtomicFile(self.shard_rejects_path(name)) as rf:
                    rf.write(encode_records(rejects))
                    rf.commit()
            else:
                with contextlib.suppress(FileNotFoundError):
                    self.shard_rejects_path(name).unlink()
            if data is not None:
                data.commit()
        except BaseException:
            if data is not None:
                data.abort()
            raise
        write_json_atomic(self.marker_path(name), {"shard": name, **stats})

    def mark_unit(self, key: str, stats: Mapping[str, Any]) -> None:
        write_json_atomic(self.unit_marker_path(key), {"unit": key, **stats})

    def merge_rejects(self, shard_names: Iterable[str], dest: Path) -> int:
        """Concatenate the shards' rejects, in run order, into `dest` (atomically)."""
        n = 0
        with AtomicFile(dest) as out:
            for name in shard_names:
                p = self.shard_rejects_path(name)
                try:
                    data = p.read_bytes()
                except FileNotFoundError:
                    continue
                n += data.count(b"\n")
                out.write(data)
            out.commit()
        return n

    def write_success(self, summary: Mapping[str, Any]) -> None:
        write_json_atomic(self.success_path, dict(summary))
