"""The batch runner behind ``pagesieve clean``: many worker processes, resumable shards.

Why it is shaped this way:

- **Deterministic work units.** Each input (a container file, or one folder's loose pages) is
  read in a fixed order and cut into shards of `shard_size` items, named ``<input>-<n>``. The
  same inputs always give the same shards, so a rerun with ``--resume`` skips every shard that
  has a marker and rewrites the others from scratch: every page comes out exactly once. Markers
  record the input's file list (names, sizes), and a resume refuses an input that changed, whose
  positions would name other pages. Folder walks leave out the run's own output and rejects.
- **Small batches, big shards.** The parent reads inputs and hands out batches of a few pages;
  workers classify them and send back encoded JSON lines (already gzip-compressed with
  ``--gzip``), which the parent appends in order to the shard's temp file. Batches balance the
  load; shards keep the file count and the resume bookkeeping small.
- **The next batch is already there.** Each worker holds up to `_IN_FLIGHT` batches: the one it
  classifies and the next, sent by a thread of the parent (`_Sender`) while it works, so a worker
  never waits for the parent between batches (~0.7 ms a batch, 4-13% of a worker's time when it
  did) and the parent's loop never blocks on a busy worker's full pipe.
- **The model once per worker.** Workers are started with the model path and load it once.
- **Bounded pages.** Sources cap page sizes; each page runs under a SIGALRM time limit in the
  worker; a page stuck in C code past a hard limit gets its worker killed by the parent's
  watchdog, the page is rejected with the reason, and the batch is redone by a fresh worker.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import hashlib
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import EXIT_MODEL
from ..limits import Limits
from ..verdict import normalize_keep
from . import forkserver
from .forkserver import ONE_THREAD_ENV as ONE_THREAD_ENV  # re-exported
from .forkserver import PRELOAD_ENV as PRELOAD_ENV  # re-exported
from .sources import (
    InputUnit,
    Item,
    Reject,
    Skipped,
    SourceRecord,
    discover,
    input_kind,
    iter_unit,
    warc_reader_missing,
)
from .writer import AtomicFile, ShardStore, encode_lines, unwritable_file, write_json_atomic

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "DEFAULT_SHARD_SIZE",
    "MAX_WORKERS_PER_CORE",
    "RunConfig",
    "RunError",
    "RunSummary",
    "default_workers",
    "run",
]

#: Items per output shard: the unit of resume (a kill loses at most one shard per worker).
DEFAULT_SHARD_SIZE = 2000
#: Items per batch handed to a worker: the unit of load balancing. Small, so that workers
#: finish together (a batch is ~0.1 s of work; the round trip per batch is well under 1 ms).
DEFAULT_BATCH_SIZE = 4
_BATCH_MAX_BYTES = 8 * 1024 * 1024
_RETRIES = 2
#: Batches handed to one worker at a time: the one it works on and the next, waiting in its pipe.
_IN_FLIGHT = 2


class RunError(Exception):
    """A run that cannot start or had to stop; the message is for a person."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def default_workers() -> int:
    """All cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


#: At most this many worker processes per core: the work is CPU-bound, so more only cost
#: memory and start-up (``--workers 100000`` spawned for minutes before doing anything).
MAX_WORKERS_PER_CORE = 4


def _check_workers(workers: int | None) -> int:
    """The worker count to use: None or 0 means all cores; negative or more than
    `MAX_WORKERS_PER_CORE` per core is a usage error (exit 2) before anything starts."""
    cores = default_workers()
    if workers is None or workers == 0:
        return cores
    if workers < 0:
        raise RunError(f"--workers must be at least 1, or 0 for all {cores} cores", 2)
    if workers > MAX_WORKERS_PER_CORE * cores:
        raise RunError(f"--workers {workers} is more than {MAX_WORKERS_PER_CORE} per core; "
                       f"this machine gives the run {cores} cores: at most "
                       f"{MAX_WORKERS_PER_CORE * cores}", 2)
    return workers


@dataclass(frozen=True)
class RunConfig:
    inputs: tuple[str, ...]
    outdir: Path
    blocks: bool = False
    keep: tuple[str, ...] = ("content",)
    workers: int | None = None
    resume: bool = False
    rejects: Path | None = None
    model: Path | None = None
    gzip: bool = False
    shard_size: int = DEFAULT_SHARD_SIZE
    batch_size: int = DEFAULT_BATCH_SIZE
    limits: Limits = field(default_factory=Limits.from_env)
    #: Progress bar on stderr: None means "when stderr is a terminal".
    progress: bool | None = None
    #: Seconds past `limits.max_seconds` before the watchdog kills a worker stuck on a page
    #: (one that the in-worker alarm could not stop, e.g. inside C code).
    hard_grace_s: float = 10.0


@dataclass
class RunSummary:
    outdir: str
    rejects_file: str
    workers: int
    pages: int = 0
    records: int = 0
    rejects: int = 0
    skipped: int = 0
    shards: int = 0
    shards_resumed: int = 0
    pages_this_run: int = 0
    elapsed_s: float = 0.0
    worker_restarts: int = 0
    #: Files in input folders passed over for their suffix (not a page format), and one of them.
    ignored_files: int = 0
    ignored_example: str | None = None
    #: Inputs an earlier run finished that changed since (not read again: what was added to
    #: them is not in the output), and one of them.
    changed_finished_inputs: int = 0
    changed_example: str | None = None

    @property
    def pages_per_s(self) -> float:
        return self.pages_this_run / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["pages_per_s"] = round(self.pages_per_s, 2)
        out["elapsed_s"] = round(self.elapsed_s, 3)
        return out


# --------------------------------------------------------------------------------------------
# the plan: inputs cut into shards and batches, lazily


@dataclass
class _Batch:
    id: int
    unit: str
    shard: str
    seq: int
    items: list[Item]
    poison: dict[int, str] = field(default_factory=dict)
    retries: int = 0


@dataclass(frozen=True)
class _ShardEnd:
    shard: str
    unit: str
    n_batches: int


@dataclass(frozen=True)
class _UnitEnd:
    unit: str
    shards: tuple[str, ...]


@dataclass(frozen=True)
class _Resumed:
    """A shard (or, with `unit` None, a whole unit) finished by an earlier run, and its counts."""

    unit: str | None
    shards: tuple[str, ...]
    stats: dict[str, int]


_Event = _Batch | _ShardEnd | _UnitEnd | _Resumed


def _item_bytes(item: Item) -> int:
    if isinstance(item, SourceRecord):
        return len(item.data) if isinstance(item.data, bytes) else 3 * len(item.data)
    return 64


def _plan(
    units: Sequence[InputUnit],
    store: ShardStore,
    *,
    shard_size: int,
    batch_size: int,
    limits: Limits,
) -> Iterator[_Event]:
    """Batches, shard ends and unit ends, in input order, reading each input only as needed."""
    batch_id = 0
    for unit in units:
        done = store.unit_done(unit.key)
        if done is not None:
            yield _Resumed(None, tuple(done.get("shards", ())), _stats_of(done))
            continue
        names: list[str] = []
        items = iter_unit(unit, limits)
        k = 0
        exhausted = False
        while not exhausted:
            name = f"{unit.key}-{k:05d}"
            marker = store.shard_done(name)
            n_items = n_batches = 0
            batch: list[Item] = []
            size = 0
            for item in items:
                n_items += 1
                if marker is None:
                    batch.append(item)
                    size += _item_bytes(item)
                    if len(batch) >= batch_size or size >= _BATCH_MAX_BYTES:
                        yield _Batch(batch_id, unit.key, name, n_batches, batch)
                        batch_id += 1
                        n_batches += 1
                        batch, size = [], 0
                if n_items >= shard_size:
                    break
            else:
                exhausted = True
            if n_items == 0:
                break
            names.append(name)
            k += 1
            if marker is not None:
                yield _Resumed(unit.key, (name,), _stats_of(marker))
                continue
            if batch:
                yield _Batch(batch_id, unit.key, name, n_batches, batch)
                batch_id += 1
                n_batches += 1
            yield _ShardEnd(name, unit.key, n_batches)
        yield _UnitEnd(unit.key, tuple(names))


_STAT_KEYS = ("records", "rejects", "skipped")


def _stats_of(marker: dict[str, Any]) -> dict[str, int]:
    return {k: int(marker.get(k, 0)) for k in _STAT_KEYS}


def _unit_files(unit: InputUnit) -> str:
    """A digest of a unit's files (names and sizes). Shard markers record positions in the
    unit's stream, which mean the same pages only while the unit holds the same files."""
    h = hashlib.sha256()
    for path in unit.paths:
        try:
            size = os.stat(path).st_size
        except OSError:
            size = -1
        h.update(f"{os.path.basename(path)}\0{size}\n".encode("utf-8", "surrogatepass"))
    return h.hexdigest()[:16]


def _check_unchanged(units: Sequence[InputUnit], store: ShardStore,
                     files: dict[str, str]) -> list[str]:
    """Refuse to resume a unit whose files changed since its finished shards were written:
    reading on would lose or repeat pages, breaking the exactly-once promise silently.

    A unit the earlier run finished is not read again, so a change there loses nothing of
    that run, but what was added to it is not in the output either: those units are returned
    (named as in the messages), for the summary to say so (it said nothing: a page added to a
    finished folder was missed without a word)."""
    finished_but_changed: list[str] = []
    for unit in units:
        what = (f"input folder {os.path.dirname(unit.paths[0]) or '.'}"
                if unit.kind == "pages" else f"input {unit.paths[0]}")
        done = store.unit_done(unit.key) is not None
        for marker in store.unit_shard_markers(unit.key):
            recorded = marker.get("files")
            if recorded is not None and recorded != files[unit.key]:
                if done:
                    finished_but_changed.append(what)
                    break
                raise RunError(
                    f"{what} changed since the run began (files added, removed or resized), "
                    "so its finished shards no longer match it: start a new output folder", 2,
                )
    return finished_but_changed


# --------------------------------------------------------------------------------------------
# workers


def _classify_line() -> Callable[..., Any]:
    """`process.classify_line`, imported in the worker only: the parent never classifies, and
    importing the core there (numpy, scipy, the tokenizer) would only delay the run's start.
    A module attribute of the same name, when set (tests wrap it), takes precedence."""
    fn: Callable[..., Any] | None = globals().get("classify_line")
    if fn is None:
        from .process import classify_line

        fn = classify_line
    return fn


def __getattr__(name: str) -> Any:
    if name == "classify_line":
        return _classify_line()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when its parent dies, so no orphan writes after kill -9."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            libc = ctypes.CDLL("libc.so.6", use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _worker_main(
    wid: int,
    conn: Connection,
    busy_since: Any,
    cur_batch: Any,
    cur_index: Any,
    model_path: str,
    keep: tuple[str, ...],
    blocks: bool,
    limits: Limits,
    gzip: bool,
) -> None:
    """Load the model once, then classify batches until told to stop (None) or orphaned."""
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what Ctrl-C means
    from ..errors import PagesieveError
    from ..model import load_model

    classify_line = _classify_line()

    def tell(msg: tuple[Any, ...]) -> bool:
        """Send to the parent; False once it is gone (Ctrl-C while the workers start)."""
        try:
            conn.send(msg)
        except (EOFError, OSError):
            return False
        return True

    try:
        model = load_model(model_path)
    except PagesieveError as exc:
        tell(("fatal", "model", f"{exc.__class__.__name__}: {exc}"))
        return
    except Exception as exc:  # an incompatible or broken model file
        tell(("fatal", "model", f"could not load the model {model_path}: "
                                f"{exc.__class__.__name__}: {exc}"))
        return
    # The model and the modules live as long as the worker: keep the cyclic collector from
    # rescanning them (freeze), and run it less often on the many short-lived token lists a page
    # makes (~7% of a worker's time with the defaults; memory stays bounded, see bench_clean.py).
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)
    if not tell(("ready", wid, os.getpid())):
        return
    while True:
        try:
            batch = conn.recv()
        except (EOFError, OSError):
            return
        if batch is None:
            return
        lines: list[str] = []
        rejects: list[dict[str, Any]] = []
        skipped = 0
        for i, item in enumerate(batch.items):
            if isinstance(item, Skipped):
                skipped += 1
                continue
            if isinstance(item, Reject):
                rejects.append(item.to_dict())
                continue
            if i in batch.poison:
                rejects.append(Reject(item.source, item.offset, batch.poison[i], id=item.id,
                                      url=item.url, record_id=item.record_id).to_dict())
                continue
            cur_batch[wid] = batch.id
            cur_index[wid] = i
            busy_since[wid] = time.monotonic()
            out = classify_line(item, model=model, keep=keep, blocks=blocks, limits=limits)
            busy_since[wid] = 0.0
            if isinstance(out, Reject):
                rejects.append(out.to_dict())
            else:
                lines.append(out)
        data = encode_lines(lines, gzip=gzip)
        try:
            conn.send(("done", batch.id, data, rejects, len(lines), skipped))
        except (EOFError, OSError):
            return


class _Sender:
    """Sends a worker its messages from a thread of the parent, in order.

    A batch of pages can be larger than the pipe holds, so sending it to a busy worker blocks
    until that worker reads it; here that blocks only this thread, never the parent's loop (which
    must go on serving the other workers and watching for stuck pages).
    """

    _STOP = object()

    def __init__(self, conn: Connection, name: str) -> None:
        self.conn = conn
        #: What stopped the thread other than a closed pipe (a batch that cannot be pickled):
        #: the parent's loop raises it, since the worker would wait for that batch forever.
        self.error: BaseException | None = None
        self._queue: deque[Any] = deque()
        self._wake = threading.Condition()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def put(self, obj: Any) -> None:
        with self._wake:
            self._queue.append(obj)
            self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._queue:
                    self._wake.wait()
                obj = self._queue.popleft()
            if obj is self._STOP:
                return
            try:
                self.conn.send(obj)
            except (OSError, EOFError):  # the worker died or is being killed: the loop sees it
                return
            except Exception as exc:
                self.error = exc
                return

    def stop(self, timeout: float) -> bool:
        """Send nothing more; True once the thread has ended (so the pipe may be closed)."""
        with self._wake:
            self._queue.clear()
            self._queue.append(self._STOP)
            self._wake.notify()
        self._thread.join(timeout)
        return not self._thread.is_alive()


@dataclass
class _Worker:
    wid: int
    proc: Any
    conn: Connection
    sender: _Sender
    #: The batches handed to this worker and not yet returned, oldest (the one it works on) first.
    batches: deque[_Batch] = field(default_factory=deque)
    #: Set by the worker's "ready" message: the model is loaded, sends will not block long.
    ready: bool = False


@dataclass
class _OpenShard:
    name: str
    unit: str
    file: AtomicFile | None = None
    next_seq: int = 0
    n_batches: int | None = None
    buffered: dict[int, tuple[bytes, list[dict[str, Any]], int, int]] = field(default_factory=dict)
    rejects: list[dict[str, Any]] = field(default_factory=list)
    records: int = 0
    skipped: int = 0


@dataclass
class _OpenUnit:
    key: str
    pending: set[str] = field(default_factory=set)
    shards: tuple[str, ...] | None = None
    stats: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_STAT_KEYS, 0))


# --------------------------------------------------------------------------------------------
# the parent


class _Progress:
    """A one-line rich progress display on a terminal; nothing otherwise."""

    def __init__(self, enabled: bool) -> None:
        self._p: Any = None
        self._task: Any = None
        self._last = 0.0
        self._first: tuple[float, int] | None = None
        if enabled:
            from rich.console import Console
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self._p = Progress(
                SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                console=Console(stderr=True), transient=False,
            )
            self._p.start()
            self._task = self._p.add_task("starting workers…", total=None)

    def update(self, s: RunSummary, started: float, *, force: bool = False) -> None:
        if self._p is None:
            return
        now = time.monotonic()
        if not force and now - self._last < 0.2:
            return
        self._last = now
        if s.pages_this_run and self._first is None:
            self._first = (now, s.pages_this_run)  # rate counted from the first batch done
        rate = 0.0
        if self._first is not None and now > self._first[0]:
            rate = (s.pages_this_run - self._first[1]) / (now - self._first[0])
        self._p.update(
            self._task,
            description=f"pages [bold]{s.pages:,}[/] · {rate:,.1f} pages/s · "
            f"rejects {s.rejects:,} · shards {s.shards:,}",
        )

    def stop(self) -> None:
        if self._p is not None:
            self._p.stop()


class _Runner:
    def __init__(self, config: RunConfig, units: list[InputUnit], store: ShardStore,
                 model_path: Path, workers: int, target: Callable[..., None],
                 files: dict[str, str] | None = None) -> None:
        self.c = config
        self.files = files or {}
        self.target = target
        self.units = units
        self.store = store
        self.model_path = model_path
        self.n_workers = workers
        self.ctx = forkserver.mp_context()
        self.busy_since = self.ctx.Array("d", workers, lock=False)
        self.cur_batch = self.ctx.Array("q", workers, lock=False)
        self.cur_index = self.ctx.Array("i", workers, lock=False)
        self.workers: list[_Worker] = []
        self.failed_starts = 0
        self.retry: deque[_Batch] = deque()
        self.ready: deque[_Batch] = deque()
        self.inflight: dict[int, _Batch] = {}
        self.shards: dict[str, _OpenShard] = {}
        self.units_open: dict[str, _OpenUnit] = {}
        self.shard_order: list[str] = []
        self.rejects_dest = config.rejects or store.rejects_path
        self.summary = RunSummary(str(config.outdir), str(self.rejects_dest), workers)
        lim = config.limits.max_seconds
        self.hard_limit = lim + max(config.hard_grace_s, lim / 2) if lim > 0 else 0.0

    # -- workers ----------------------------------------------------------------------------
    def _spawn(self, wid: int) -> _Worker:
        parent, child = self.ctx.Pipe(duplex=True)
        self.busy_since[wid] = 0.0
        proc = self.ctx.Process(
            target=self.target,
            args=(wid, child, self.busy_since, self.cur_batch, self.cur_index,
                  str(self.model_path), self.c.keep, self.c.blocks, self.c.limits, self.c.gzip),
            name=f"pagesieve-worker-{wid}",
            daemon=True,
        )
        proc.start()
        child.close()
        return _Worker(wid, proc, parent, _Sender(parent, f"pagesieve-sender-{wid}"))

    def _kill(self, w: _Worker) -> None:
        with contextlib.suppress(Exception):
            w.proc.kill()
        w.proc.join(5)
        # Close the pipe only once its sender has stopped (a dead worker fails its write): a
        # sender still writing to a closed descriptor number could write into a new worker's pipe.
        if w.sender.stop(5):
            with contextlib.suppress(Exception):
                w.conn.close()

    def _on_death(self, w: _Worker, why: str) -> None:
        """A worker died or was killed: reject the page it was on, redo its batch, replace it."""
        page_running = self.busy_since[w.wid] > 0
        idx = self.cur_index[w.wid]
        owner = self.cur_batch[w.wid]
        self._kill(w)
        code = w.proc.exitcode
        batches, w.batches = w.batches, deque()
        # Redone first, in their order. The page it died on is poisoned; a batch waiting in the
        # pipe behind the oldest ran no page, so it counts no retry.
        for k, batch in enumerate(batches):
            self.inflight.pop(batch.id, None)
            if page_running and owner == batch.id:
                batch.poison[idx] = (
                    why if why else f"worker died (exit code {code}) while classifying this page"
                )
            elif k == 0:
                batch.retries += 1
                if batch.retries > _RETRIES:
                    raise RunError(
                        f"a worker died {batch.retries} times on a batch of {batch.shard} "
                        f"(exit code {code}); stopping"
                    )
        self.retry.extendleft(reversed(batches))
        if not w.ready:
            self.failed_starts += 1
            if self.failed_starts >= 3 * self.n_workers:
                raise RunError(f"workers keep dying before they are ready (exit code {code}); "
                               "is the machine out of memory?")
        self.summary.worker_restarts += 1
        self.workers[w.wid] = self._spawn(w.wid)

    # -- results ----------------------------------------------------------------------------
    def _on_result(self, w: _Worker, msg: tuple[Any, ...]) -> None:
        kind = msg[0]
        if kind == "ready":
            w.ready = True
            return
        if kind == "fatal":
            raise RunError(f"worker could not start: {msg[2]}",
                           EXIT_MODEL if msg[1] == "model" else 2)
        _, batch_id, data, rejects, n_records, n_skipped = msg
        batch = self.inflight.pop(batch_id)
        w.batches.remove(batch)  # its oldest: a worker answers its batches in order
        shard = self.shards[batch.shard]
        shard.buffered[batch.seq] = (data, rejects, n_records, n_skipped)
        s = self.summary
        s.records += n_records
        s.rejects += len(rejects)
        s.skipped += n_skipped
        s.pages += n_records + len(rejects)
        s.pages_this_run += n_records + len(rejects)
        self._flush(shard)

    def _flush(self, shard: _OpenShard) -> None:
        while shard.next_seq in shard.buffered:
            data, rejects, n_records, n_skipped = shard.buffered.pop(shard.next_seq)
            if data:
                if shard.file is None:
                    shard.file = self.store.open_shard(shard.name)
                shard.file.write(data)
            shard.rejects.extend(rejects)
            shard.records += n_records
            shard.skipped += n_skipped
            shard.next_seq += 1
        if shard.n_batches is not None and shard.next_seq == shard.n_batches:
            stats: dict[str, Any] = {"records": shard.records, "rejects": len(shard.rejects),
                                     "skipped": shard.skipped}
            if self.files.get(shard.unit):  # the unit's file-list digest (`_unit_files`)
                stats["files"] = self.files[shard.unit]
            self.store.finish_shard(shard.name, shard.file, shard.rejects, stats)
            del self.shards[shard.name]
            self.summary.shards += 1
            unit = self.units_open[shard.unit]
            unit.pending.discard(shard.name)
            for k in _STAT_KEYS:
                unit.stats[k] += stats[k]
            self._maybe_finish_unit(unit)

    def _maybe_finish_unit(self, unit: _OpenUnit) -> None:
        if unit.shards is not None and not unit.pending:
            self.store.mark_unit(unit.key, {"shards": list(unit.shards), **unit.stats})
            del self.units_open[unit.key]

    # -- the plan ---------------------------------------------------------------------------
    def _pull(self, plan: Iterator[_Event]) -> bool:
        """Take the next plan event and book it (in plan order); False when the plan is done."""
        ev = next(plan, None)
        if ev is None:
            return False
        if isinstance(ev, _Batch):
            if ev.shard not in self.shards:
                self.shards[ev.shard] = _OpenShard(ev.shard, ev.unit)
                self.units_open.setdefault(ev.unit, _OpenUnit(ev.unit)).pending.add(ev.shard)
                self.shard_order.append(ev.shard)
            self.ready.append(ev)
        elif isinstance(ev, _ShardEnd):
            shard = self.shards[ev.shard]
            shard.n_batches = ev.n_batches
            self._flush(shard)
        elif isinstance(ev, _UnitEnd):
            unit = self.units_open.setdefault(ev.unit, _OpenUnit(ev.unit))
            unit.shards = ev.shards
            self._maybe_finish_unit(unit)
        else:
            s = self.summary
            s.records += ev.stats["records"]
            s.rejects += ev.stats["rejects"]
            s.skipped += ev.stats["skipped"]
            s.pages += ev.stats["records"] + ev.stats["rejects"]
            s.shards += len(ev.shards)
            s.shards_resumed += len(ev.shards)
            self.shard_order.extend(ev.shards)
            if ev.unit is not None:
                unit = self.units_open.setdefault(ev.unit, _OpenUnit(ev.unit))
                for k in _STAT_KEYS:
                    unit.stats[k] += ev.stats[k]
        return True

    def _send(self, w: _Worker, batch: _Batch) -> None:
        """Hand `batch` to `w`; a failed send shows as the worker's death in `_poll`."""
        w.batches.append(batch)
        self.inflight[batch.id] = batch
        w.sender.put(batch)

    def _next_batch(self, plan: Iterator[_Event], plan_done: bool) -> tuple[_Batch | None, bool]:
        """The next batch to hand out (redone batches first), reading the plan as needed; and
        whether the plan is done now."""
        while not self.ready and not self.retry and not plan_done:
            plan_done = not self._pull(plan)
        if self.retry:
            return self.retry.popleft(), plan_done
        if self.ready:
            return self.ready.popleft(), plan_done
        return None, plan_done

    # -- the loop ---------------------------------------------------------------------------
    def run(self, progress: _Progress) -> RunSummary:
        started = time.monotonic()
        plan = _plan(self.units, self.store, shard_size=self.c.shard_size,
                     batch_size=self.c.batch_size, limits=self.c.limits)
        plan_done = False
        # start workers only once there is work: a finished run resumes without loading a model
        while not self.ready and not plan_done:
            plan_done = not self._pull(plan)
        if self.ready:
            # the first spawn starts the fork server unless `run` already did
            with forkserver.preload_env(self.model_path):
                self.workers = [self._spawn(i) for i in range(self.n_workers)]
        try:
            while self.workers:
                # top every ready worker up to _IN_FLIGHT batches, idle ones first; once the plan
                # is read to its end, only idle ones, so that the last batches go to whoever is
                # free instead of queueing behind a busy worker
                for depth in range(_IN_FLIGHT):
                    for w in self.workers:
                        if not w.ready or len(w.batches) != depth:
                            continue
                        if depth and plan_done and not self.retry:
                            break
                        batch, plan_done = self._next_batch(plan, plan_done)
                        if batch is not None:
                            self._send(w, batch)
                if plan_done and not (self.inflight or self.retry or self.ready):
                    break
                # read ahead while the workers are busy, so none waits for the parent
                timeout = 0.25
                if not plan_done and len(self.ready) < self.n_workers:
                    plan_done = not self._pull(plan)
                    timeout = 0.0
                self._poll(timeout)
                self.summary.elapsed_s = time.monotonic() - started
                progress.update(self.summary, started)
        finally:
            self._stop_workers()
            for shard in self.shards.values():
                if shard.file is not None:
                    shard.file.abort()
        self.summary.elapsed_s = time.monotonic() - started
        progress.update(self.summary, started, force=True)
        return self.summary

    def _poll(self, timeout: float) -> None:
        for w in self.workers:
            if w.sender.error is not None:
                exc = w.sender.error
                raise RunError(f"could not send pages to a worker: {exc.__class__.__name__}: "
                               f"{exc}")
        by_conn = {w.conn: w for w in self.workers}
        by_sentinel = {w.proc.sentinel: w for w in self.workers}
        ready = wait([*by_conn, *by_sentinel], timeout=timeout)
        dead: list[_Worker] = []
        # messages first: a worker's last words ("fatal", a finished batch) come before its death
        for obj in ready:
            w = by_conn.get(obj)  # type: ignore[call-overload]
            if w is None:
                continue
            messages = []
            try:
                while w.conn.poll():
                    messages.append(w.conn.recv())
            except (EOFError, OSError):
                dead.append(w)
            # outside the try: a failed write here (a full disk) must stop the run, not pass
            # for a dead worker
            for msg in messages:
                self._on_result(w, msg)
        dead.extend(by_sentinel[o] for o in ready if o in by_sentinel)
        for w in dead:
            if self.workers[w.wid] is w:
                self._on_death(w, "")
        if self.hard_limit:
            now = time.monotonic()
            for w in list(self.workers):
                since = self.busy_since[w.wid]
                if w.batches and since > 0 and now - since > self.hard_limit:
                    self._on_death(
                        w, f"time limit: page ran over {self.hard_limit:g}s; worker killed"
                    )

    def _stop_workers(self) -> None:
        for w in self.workers:
            w.sender.put(None)
        deadline = time.monotonic() + 5
        for w in self.workers:
            w.proc.join(max(0.0, deadline - time.monotonic()))
            if w.proc.is_alive():
                self._kill(w)
            elif w.sender.stop(max(0.0, deadline - time.monotonic())):
                with contextlib.suppress(Exception):
                    w.conn.close()


# --------------------------------------------------------------------------------------------
# entry point


def _settings(config: RunConfig, model_path: Path) -> dict[str, Any]:
    from ..modelfile import manifest_path, sha256_file

    try:
        import json

        digest = json.loads(manifest_path(model_path).read_text(encoding="utf-8"))["sha256"]
    except Exception:
        digest = sha256_file(model_path) if model_path.is_file() else None
    lim = config.limits
    return {
        "inputs": list(config.inputs),
        "keep": list(config.keep),
        "blocks": config.blocks,
        "gzip": config.gzip,
        "shard_size": config.shard_size,
        "model_sha256": digest,
        "limits": {"max_bytes": lim.max_bytes, "max_blocks": lim.max_blocks,
                   "max_block_chars": lim.max_block_chars},
        "pagesieve": __version__,
    }


def _own_outputs(config: RunConfig) -> tuple[Path, ...]:
    """What this run writes, for discovery to leave out of input folders."""
    return (config.outdir,) if config.rejects is None else (config.outdir, config.rejects)


def _check_paths(config: RunConfig, store: ShardStore) -> None:
    """Refuse an output folder or rejects file that cannot work, or would overwrite or swallow
    an input, before anything runs (else it shows only after all the work, or never)."""
    out = config.outdir
    if out.exists() and not out.is_dir():
        raise RunError(f"output folder {out} exists and is not a folder", 2)
    out_real = os.path.realpath(out)
    inputs = [(p, os.path.realpath(p)) for p in config.inputs]
    for p, real in inputs:
        if Path(real).is_relative_to(out_real):
            raise RunError(f"input {p} is the output folder {out} or inside it; "
                           "choose an output folder outside the inputs", 2)
    rej = config.rejects
    if rej is None:
        return
    problem = unwritable_file(rej)
    if problem:
        raise RunError(f"--rejects {rej}: {problem}", 2)
    rej_real = os.path.realpath(rej)
    if rej_real == out_real:
        raise RunError(f"--rejects {rej} is the output folder; name a file", 2)
    if (Path(rej_real).is_relative_to(out_real)
            and rej_real != os.path.realpath(store.rejects_path)):
        # a shard, `_SUCCESS` or a state file would be overwritten (or overwrite the rejects)
        raise RunError(f"--rejects {rej} is inside the output folder, where the run writes "
                       "its own files; name a file outside it (or leave --rejects out: "
                       f"{store.rejects_path})", 2)
    for p, real in inputs:
        if real == rej_real:
            raise RunError(f"--rejects {rej} is the input {p}; writing rejects there would "
                           "overwrite it, name another file", 2)


def _check_rejects_not_input(config: RunConfig, store: ShardStore) -> None:
    """Refuse a --rejects file that already exists inside an input folder as an input file.

    Discovery leaves the rejects file out (after a finished run it is this run's own output),
    so before any run has finished, an existing file there is somebody's input, and writing the
    rejects would silently replace it.
    """
    rej = config.rejects
    if rej is None or not rej.is_file() or store.success_path.exists():
        return
    if input_kind(str(rej)) is None:
        return
    rej_real = os.path.realpath(rej)
    for p in config.inputs:
        if os.path.isdir(p) and Path(rej_real).is_relative_to(os.path.realpath(p)):
            raise RunError(f"--rejects {rej} is an input file in the input folder {p}; "
                           "writing rejects there would overwrite it, name another file", 2)


def _prepare(config: RunConfig, store: ShardStore, settings: dict[str, Any]) -> None:
    resuming = store.has_output()
    if resuming:
        if not config.resume:
            if store.lock_path.exists():  # a run still writing there: "in use", not "--resume"
                _lock(config, store)
                store.unlock()
            raise RunError(
                f"{config.outdir} already holds output of a run; pass --resume to finish it, "
                "or choose an empty folder", 2,
            )
        previous = store.read_marker(store.run_path)
        if previous is None:  # every run writes its settings first: these files are not one
            raise RunError(
                f"{config.outdir} holds output files but no run to resume (no readable "
                f"{store.run_path.relative_to(config.outdir)}); choose an empty folder", 2,
            )
        if previous != settings:
            diff = sorted(k for k in settings if previous.get(k) != settings[k])
            raise RunError(
                f"{config.outdir} holds a run with other settings ({', '.join(diff)} differ); "
                "resume it with the same command, or use another folder", 2,
            )
    try:
        config.outdir.mkdir(parents=True, exist_ok=True)
        _lock(config, store)
        if resuming:  # only once locked: a live run may be writing these
            store.remove_temp_files()
        write_json_atomic(store.run_path, settings)
    except OSError as exc:
        store.unlock()
        raise RunError(f"cannot write to the output folder {config.outdir}: "
                       f"{exc.strerror or exc}", 2) from None


def _lock(config: RunConfig, store: ShardStore) -> None:
    """Hold the output folder for this run, or refuse: a second run (a --resume started while
    the first still runs) would delete the first one's temp files and race it for shards."""
    try:
        store.lock()
    except BlockingIOError:
        raise RunError(
            f"{config.outdir} is in use by another pagesieve run; wait for it to end (or stop "
            "it), then rerun with --resume", 2,
        ) from None


def run(
    config: RunConfig,
    *,
    on_start: Callable[[RunSummary], None] | None = None,
    worker_target: Callable[..., None] | None = None,
) -> RunSummary:
    """Classify every page of `config.inputs` into `config.outdir`. Raises `RunError`.

    `worker_target` replaces the worker's main function (tests wrap it to crash or hang).
    """
    keep = normalize_keep(config.keep)
    if config.shard_size < 1 or config.batch_size < 1:
        raise RunError("shard and batch sizes must be at least 1", 2)
    workers = _check_workers(config.workers)
    config = replace(config, keep=keep)
    from ..modelfile import default_model_path

    model_path = Path(config.model) if config.model is not None else default_model_path()
    if not model_path.is_file():
        raise RunError(f"model file not found: {model_path}", EXIT_MODEL)
    store = ShardStore(config.outdir, gzip=config.gzip)
    _check_paths(config, store)
    # A fresh run over inputs that exist will need workers (a resumed one may not: see
    # `_Runner.run`): start loading them now.
    if not store.has_output() and all(os.path.exists(p) for p in config.inputs):
        forkserver.start(model_path)
    try:
        ignored: list[str] = []
        units = discover(config.inputs, exclude=_own_outputs(config), ignored=ignored)
    except FileNotFoundError as exc:
        raise RunError(str(exc), 2) from None
    _check_rejects_not_input(config, store)
    missing = any(unit.kind == "warc" for unit in units) and warc_reader_missing()
    if missing:
        raise RunError(missing, 2)
    files = {unit.key: _unit_files(unit) for unit in units}
    changed = _check_unchanged(units, store, files) if config.resume else []
    _prepare(config, store, _settings(config, model_path))
    try:
        return _run_prepared(config, units, store, model_path, workers,
                             worker_target or _worker_main, files, on_start, ignored, changed)
    finally:
        store.unlock()


def _run_prepared(
    config: RunConfig,
    units: list[InputUnit],
    store: ShardStore,
    model_path: Path,
    workers: int,
    worker_target: Callable[..., None],
    files: dict[str, str],
    on_start: Callable[[RunSummary], None] | None,
    ignored: list[str],
    changed: list[str],
) -> RunSummary:
    """`run` once the output folder is prepared and locked."""
    runner = _Runner(config, units, store, model_path, workers, worker_target, files)
    runner.summary.ignored_files = len(ignored)
    runner.summary.ignored_example = ignored[0] if ignored else None
    runner.summary.changed_finished_inputs = len(changed)
    runner.summary.changed_example = changed[0] if changed else None
    if on_start is not None:
        on_start(runner.summary)
    show = sys.stderr.isatty() if config.progress is None else config.progress
    progress = _Progress(show)
    try:
        summary = runner.run(progress)
    except RunError:
        if not config.resume and runner.summary.pages == 0:
            store.forget_empty_run()
        raise
    except OSError as exc:
        raise RunError(
            f"run stopped: {exc}. Finished shards are safe; fix the cause and rerun with "
            "--resume", 1,
        ) from None
    finally:
        progress.stop()
    try:
        store.merge_rejects(runner.shard_order, runner.rejects_dest)
        store.write_success(summary.to_dict())
    except OSError as exc:
        raise RunError(f"run finished but its summary could not be written: {exc}", 1) from None
    return summary
