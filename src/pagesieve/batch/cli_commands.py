"""`pagesieve clean` and `pagesieve spark` as plain functions: arguments in, exit code out.

cli.py (typer) wires them; keeping them free of typer lets ``python -m pagesieve.batch`` and
the tests drive the very same code. Exit codes: 0 the run completed (rejects included), 1 it
stopped (disk full, a worker that keeps dying), 2 bad usage or input, 3 a missing or refused
model (as `classify`), 130 interrupted (Ctrl-C), 143 terminated (SIGTERM).
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from ..environ import Terminated, sigterm_raises
from ..limits import Limits, check_seconds
from ..verdict import normalize_keep
from .runner import DEFAULT_SHARD_SIZE, RunConfig, RunError, RunSummary, run

__all__ = ["clean_command", "format_summary", "spark_command"]


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def format_summary(s: RunSummary, *, gzip: bool = False) -> str:
    """The end-of-run summary: what was read, written, rejected and skipped, and how fast."""
    mins, secs = divmod(s.elapsed_s, 60)
    lines = [
        f"pagesieve clean: {s.pages:,} pages in {int(mins)}m{secs:04.1f}s "
        f"({s.pages_per_s:,.1f} pages/s this run, {s.workers} worker"
        f"{'s' if s.workers != 1 else ''})",
        f"  records  {s.records:,} → {s.outdir}/part-*.jsonl{'.gz' if gzip else ''} "
        f"({s.shards:,} shard{'s' if s.shards != 1 else ''}"
        + (f", {s.shards_resumed:,} finished by an earlier run" if s.shards_resumed else "")
        + ")",
        f"  rejects  {s.rejects:,} → {s.rejects_file}",
        f"  skipped  {s.skipped:,} (not pages: WARC requests/metadata/revisits, non-2xx, "
        "non-text responses)",
    ]
    if s.ignored_files:
        lines.append(f"  ignored  {s.ignored_files:,} file{'s' if s.ignored_files != 1 else ''} "
                     f"in the input folders with other suffixes (e.g. {s.ignored_example}); "
                     "pages are read from .html/.htm/.txt, .jsonl[.gz] and .warc[.gz]")
    if s.changed_finished_inputs:
        lines.append(f"  changed  {s.changed_finished_inputs:,} input"
                     f"{'s' if s.changed_finished_inputs != 1 else ''} finished by the earlier "
                     f"run changed since ({s.changed_example}) and "
                     f"{'were' if s.changed_finished_inputs != 1 else 'was'} not read again: "
                     "pages added there are not in this output; a new output folder takes them")
    if s.worker_restarts:
        lines.append(f"  workers restarted {s.worker_restarts:,} times (crash or hard time limit)")
    return "\n".join(lines)


def clean_command(
    inputs: list[Path],
    outdir: Path,
    blocks: bool = False,
    keep: str = "content",
    workers: int | None = None,
    resume: bool = False,
    rejects: Path | None = None,
    model: Path | None = None,
    gzip: bool = False,
    *,
    shard_size: int = DEFAULT_SHARD_SIZE,
    max_seconds: float | None = None,
    progress: bool | None = None,
) -> int:
    """Run `pagesieve clean`; print the summary (stderr) and return the exit code."""
    # SIGTERM ends the run the way Ctrl-C does (workers stopped, unfinished shards dropped,
    # the progress bar and the terminal's cursor restored, a word on what is left) instead of
    # killing the process where it stands
    with sigterm_raises():
        return _clean(inputs, outdir, blocks, keep, workers, resume, rejects, model, gzip,
                      shard_size, max_seconds, progress)


def _clean(
    inputs: list[Path],
    outdir: Path,
    blocks: bool,
    keep: str,
    workers: int | None,
    resume: bool,
    rejects: Path | None,
    model: Path | None,
    gzip: bool,
    shard_size: int,
    max_seconds: float | None,
    progress: bool | None,
) -> int:
    try:
        limits = Limits.from_env()
        if max_seconds is not None:
            limits = replace(limits, max_seconds=check_seconds(max_seconds, "--max-seconds"))
        config = RunConfig(
            inputs=tuple(str(p) for p in inputs), outdir=Path(outdir), blocks=blocks,
            keep=normalize_keep(keep), workers=workers, resume=resume, rejects=rejects, model=model,
            gzip=gzip, shard_size=shard_size, limits=limits, progress=progress,
        )
        summary = run(config)
    except ValueError as exc:  # an unknown label in --keep, a limit that is not a number
        _say(f"pagesieve: error: {exc}")
        return 2
    except RunError as exc:
        _say(f"pagesieve: error: {exc}")
        return exc.exit_code
    except KeyboardInterrupt:
        _say("pagesieve: interrupted; finished shards are kept, rerun with --resume to finish")
        return 130
    except Terminated:
        _say("pagesieve: terminated; finished shards are kept, rerun with --resume to finish")
        return 143
    _say(format_summary(summary, gzip=gzip))
    return 0


def spark_command(
    inputs: list[str],
    outdir: str,
    master: str | None = "local[*]",
    blocks: bool = False,
    keep: str = "content",
    model: Path | None = None,
    *,
    rejects: str | None = None,
    gzip: bool = False,
    partitions: int | None = None,
    model_on_executors: bool = False,
) -> int:
    """Run `pagesieve spark`; pyspark is imported only here, with a clear error when missing."""
    from ..spark_job import SparkJobError, run_spark

    try:
        with sigterm_raises():  # stop as Ctrl-C does, Spark shut down
            summary = run_spark(
                inputs, outdir, master=master, blocks=blocks, keep=keep, model=model,
                rejects=rejects, gzip=gzip, partitions=partitions,
                model_on_executors=model_on_executors,
            )
    except ValueError as exc:
        _say(f"pagesieve: error: {exc}")
        return 2
    except SparkJobError as exc:
        _say(f"pagesieve: error: {exc}")
        return exc.exit_code
    except KeyboardInterrupt:
        _say("pagesieve: interrupted; the job's unfinished output folder was removed")
        return 130
    except Terminated:
        _say("pagesieve: terminated; the job's unfinished output folder was removed")
        return 143
    _say(
        f"pagesieve spark: {summary['pages']:,} pages; records {summary['records']:,} → "
        f"{outdir}; rejects {summary['rejects']:,} → {summary['rejects_file']}; "
        f"skipped {summary['skipped']:,}; {summary['elapsed_s']:.1f}s"
    )
    return 0
