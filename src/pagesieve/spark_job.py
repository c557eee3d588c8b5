"""``pagesieve spark``: the batch cleaning of ``pagesieve clean`` on a Spark cluster.

The same sources (`batch.sources`) and the same per-page step (`batch.process.classify_record`)
run inside the executors, so a page gives the same record as with ``clean``. The model goes to
the executors as broadcast bytes (sha256-checked there before unpickling) or, with
`model_on_executors`, is loaded from a path every executor can read; either way it is loaded once
per executor Python process and cached.

Inputs: local paths (files or folders, read by the executors from the same path — local mode or
a shared file system) keep exactly the `source` strings of ``clean``; URIs (``s3a://``,
``hdfs://``, ``gs://``...) are read with Spark's own file systems (`binaryFiles`), one file per
record of the RDD, and keep the URI as `source`. pyspark is an optional extra: it is imported
only here, and its absence is a clear error.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from .batch.forkserver import ONE_THREAD_ENV
from .batch.process import classify_line
from .batch.sources import (
    InputUnit,
    Item,
    Reject,
    Skipped,
    SourceRecord,
    discover,
    input_kind,
    iter_unit,
)
from .batch.writer import AtomicFile, dumps_record, unwritable_file
from .errors import EXIT_MODEL, ModelError
from .limits import Limits
from .model import default_model_path, load_model, manifest_path, read_manifest
from .verdict import normalize_keep

__all__ = ["SparkJobError", "run_spark", "spark_command"]

_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_GZIP_CODEC = "org.apache.hadoop.io.compress.GzipCodec"


def _executor_env(conf: Any, environ: dict[str, str] | os._Environ[str]) -> dict[str, str]:
    """``spark.executorEnv.*`` settings for one BLAS thread per executor Python worker.

    Spark already runs one task per core; OpenBLAS's extra threads would spin on the cores of
    the other tasks (as with `clean`'s workers). A value the user gave, in the Spark conf or in
    the driver's environment, wins.
    """
    out = {}
    for key in ONE_THREAD_ENV:
        name = f"spark.executorEnv.{key}"
        if not conf.contains(name):
            out[name] = environ.get(key, "1")
    return out


def spark_command(*args: Any, **kwargs: Any) -> int:
    """`pagesieve spark`: `batch.cli_commands.spark_command`, re-exported where cli.py looks."""
    from .batch.cli_commands import spark_command as command

    return command(*args, **kwargs)


class SparkJobError(Exception):
    """The Spark job could not run; the message is for a person."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


# --------------------------------------------------------------------------------------------
# executor side (module-level functions: they are pickled by reference)

_MODELS: dict[str, Any] = {}


def _executor_model(spec: dict[str, Any]) -> Any:
    """The model for `spec`, loaded once per executor process and checked against its hash."""
    digest = spec["sha256"]
    model = _MODELS.get(digest)
    if model is not None:
        return model
    if "path" in spec:
        where = spec["path"] or default_model_path()  # "": the one this executor's install ships
        model = load_model(where)
        if model.manifest.get("sha256") != digest:
            raise ModelError(f"model at {where} on this executor is not the driver's "
                             f"(sha256 {model.manifest.get('sha256')} != {digest})")
    else:
        data: bytes = spec["model_bytes"]
        if hashlib.sha256(data).hexdigest() != digest:
            raise ModelError("broadcast model bytes do not match their sha256; refusing them")
        folder = Path(tempfile.mkdtemp(prefix="pagesieve-model-"))
        try:
            path = folder / spec["name"]
            path.write_bytes(data)
            manifest_path(path).write_bytes(spec["manifest_bytes"])
            model = load_model(path)  # checks the hash against the manifest again
        finally:
            shutil.rmtree(folder, ignore_errors=True)  # the model is in memory now
    _MODELS[digest] = model
    return model


def _unit_items(unit: InputUnit, limits: Limits) -> Iterator[Item]:
    return iter_unit(unit, limits)


def _uri_key(uri: str) -> tuple[str, str]:
    """A URI as Spark's file systems and the user may spell it alike: ``s3a://b/k`` and
    ``S3A://b/k/``, ``file:///tmp/a`` and ``file:/tmp/a`` (Hadoop's form)."""
    scheme, _, rest = uri.partition(":")
    return scheme.lower(), rest.strip("/")


def _blob_items(
    uri: str, data: bytes, limits: Limits, named: frozenset[tuple[str, str]] = frozenset()
) -> Iterator[Item]:
    """Items of one file that Spark read for us (object storage). A file of another suffix
    is ignored in a folder, as `discover` does, and one reject where it was named (`named`)."""
    kind = input_kind(uri)
    if kind in ("jsonl", "warc"):
        unit = InputUnit(uri, kind, (uri,))
    elif kind in ("html", "text"):
        unit = InputUnit(uri, "pages", (uri,))
    elif _uri_key(uri) in named:
        unit = InputUnit(uri, "unsupported", (uri,))
    else:
        return iter(())

    def opener(path: str) -> IO[bytes]:
        return io.BytesIO(data)

    return iter_unit(unit, limits, opener=opener)


def _classify_partition(
    items: Iterable[Item],
    model_spec: Any,
    keep: tuple[str, ...],
    blocks: bool,
    limits: Limits,
) -> Iterator[tuple[str, str]]:
    """("r", record line) / ("x", reject line) per item, and one ("s", count) of skips."""
    model = None
    skipped = 0
    for item in items:
        if isinstance(item, Skipped):
            skipped += 1
            continue
        if isinstance(item, Reject):
            yield "x", dumps_record(item.to_dict())
            continue
        if model is None:
            model = _executor_model(model_spec.value)
        assert isinstance(item, SourceRecord)
        out = classify_line(item, model=model, keep=keep, blocks=blocks, limits=limits)
        if isinstance(out, Reject):
            yield "x", dumps_record(out.to_dict())
        else:
            yield "r", out
    if skipped:
        yield "s", str(skipped)


# --------------------------------------------------------------------------------------------
# driver side


def _model_spec(model: Path | None, on_executors: bool) -> dict[str, Any]:
    """What the executors get: the checked model bytes, or its path. The checks are
    `load_model`'s (a symlink, a missing or foreign manifest, a serialization the file name
    contradicts, a changed file: exit 3, as every command refuses a model), made here in the
    driver, before Spark starts, not on the executors after it has."""
    path = Path(model) if model is not None else default_model_path()
    mpath = manifest_path(path)
    try:
        manifest = read_manifest(path)
        data = path.read_bytes()
        manifest_bytes = mpath.read_bytes()
    except ModelError as exc:
        raise SparkJobError(str(exc), EXIT_MODEL) from None
    except OSError as exc:
        raise SparkJobError(f"model unreadable: {exc}", EXIT_MODEL) from None
    digest = hashlib.sha256(data).hexdigest()
    if digest != manifest.get("sha256"):
        raise SparkJobError(f"model file {path} does not match its manifest (sha256); "
                            "refusing to ship it", EXIT_MODEL)
    if on_executors:
        # without --model each executor loads the model its own install ships: the driver's
        # path (inside the driver's install) need not exist there; the hash must still match
        named = model is not None or bool(os.environ.get("PAGESIEVE_MODEL"))
        return {"sha256": digest, "path": str(path.resolve()) if named else ""}
    return {"sha256": digest, "name": path.name, "model_bytes": data,
            "manifest_bytes": manifest_bytes}


#: The last line of a Python traceback: the exception and its message (unindented).
_PY_EXCEPTION = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt)): (.*)$", re.M)


def _failure(text: str) -> str:
    """One line for a failed job: the Python exception an executor raised, where Spark's error
    carries one, then Spark's own first line. That first line alone named only the call that
    failed ("An error occurred while calling o68.saveAsTextFile."), the cause ("No module named
    'pagesieve'": the executors' Python is not the driver's) sat ~150 lines of Java above it."""
    first = text.splitlines()[0]
    at = text.rfind("Traceback (most recent call last):")
    found = _PY_EXCEPTION.search(text, at) if at >= 0 else None
    if found is None:
        return first
    name = found.group(1).rsplit(".", 1)[-1]
    return f"{name}: {found.group(2).strip()} (in an executor; {first})"


#: What SparkSession accepts as a master (anything else fails in the JVM, 15-50 lines of Java).
_MASTER = re.compile(
    r"^(local(\[(\*|[1-9]\d*)(,\s*\d+)?\])?|local-cluster\[\d+,\s*\d+,\s*\d+\]"
    r"|(spark|mesos|k8s)://\S+|yarn)$"
)


def _check_rejects(
    rejects: Path, outdir: str | None, local: Sequence[str], units: Sequence[InputUnit]
) -> None:
    """Refuse a --rejects file that cannot be written, or would overwrite an input or the
    job's output (`outdir`, its local path; None in object storage), before Spark starts (as
    `clean` does): it is written only at the end."""
    problem = unwritable_file(rejects)
    if problem:
        raise SparkJobError(f"--rejects {rejects}: {problem}", 2)
    real = os.path.realpath(rejects)
    if outdir is not None and Path(real).is_relative_to(os.path.realpath(outdir)):
        raise SparkJobError(f"--rejects {rejects} is the output folder or inside it, which "
                            "Spark writes (part-* files, _SUCCESS); name a file outside it", 2)
    inputs = {os.path.realpath(p) for p in local}
    inputs.update(os.path.realpath(f) for u in units for f in u.paths)
    if real in inputs:
        raise SparkJobError(f"--rejects {rejects} is an input file; writing rejects there "
                            "would overwrite it, name another file", 2)


def _local_path(s: str) -> str | None:
    """The local path `s` names (a plain path, ``file:///tmp/a``, or Hadoop's ``file:/tmp/a``),
    normalised as `clean` gets it (a Path); None for a URI of another file system."""
    if s.startswith("file://"):
        return str(Path(s[len("file://"):]))
    if s.startswith("file:/"):
        return str(Path(s[len("file:"):]))
    return None if _URI.match(s) else str(Path(s))


def _split_inputs(inputs: Sequence[str]) -> tuple[list[str], list[str]]:
    local, remote = [], []
    for raw in inputs:
        path = _local_path(str(raw))
        if path is None:
            remote.append(str(raw))
        else:
            local.append(path)
    return local, remote


def run_spark(
    inputs: Sequence[str],
    outdir: str,
    *,
    master: str | None = "local[*]",
    blocks: bool = False,
    keep: str | Sequence[str] = "content",
    model: Path | None = None,
    rejects: str | None = None,
    gzip: bool = False,
    partitions: int | None = None,
    model_on_executors: bool = False,
    limits: Limits | None = None,
    stop: bool = True,
) -> dict[str, Any]:
    """Clean `inputs` into `outdir` (Spark text output: ``part-*`` JSONL files + ``_SUCCESS``).

    Rejects go to `rejects` (a local file) or, by default, to the dataset ``OUTDIR/_rejects``.
    Returns the counts. Raises `SparkJobError` (and `ValueError` for an unknown label).
    """
    keep_labels = normalize_keep(keep)
    try:
        from pyspark import SparkConf, StorageLevel
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise SparkJobError(
            f"pyspark is not installed ({exc}); pip install 'pagesieve[spark]'", 2
        ) from None
    lim = limits or Limits.from_env()
    local, remote = _split_inputs(inputs)
    out_local = _local_path(outdir)  # None: object storage, which Spark checks itself
    if out_local is not None and Path(out_local).exists():
        raise SparkJobError(f"{outdir} already exists; choose a new output folder", 2)
    if master and not _MASTER.match(master):
        raise SparkJobError(f"--master {master!r} is not a Spark master URL (local, local[N], "
                            "local[*], spark://HOST:PORT, yarn, k8s://URL, mesos://URL)", 2)
    if partitions is not None and partitions < 1:
        raise SparkJobError(f"--partitions must be 1 or more, not {partitions}", 2)
    try:
        units = discover(local)
    except FileNotFoundError as exc:
        raise SparkJobError(str(exc), 2) from None
    if rejects is not None:
        _check_rejects(Path(rejects), out_local, local, units)
    spec = _model_spec(model, model_on_executors)
    # executors run the driver's interpreter unless told otherwise (the venv with pagesieve)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    if master is None and "PYSPARK_GATEWAY_PORT" not in os.environ:
        master = "local[*]"  # not under spark-submit, which would have set the master
    builder = SparkSession.builder.appName("pagesieve")
    for name, value in _executor_env(SparkConf(), os.environ).items():
        builder = builder.config(name, value)
    if master:
        builder = builder.master(master)
        if master.startswith("local"):
            builder = builder.config("spark.ui.enabled", "false")
    started = time.monotonic()
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # Java missing, bad master URL...
        raise SparkJobError(f"could not start Spark: {exc}", 1) from None
    sc = spark.sparkContext
    try:
        bc = sc.broadcast(spec)
        rdds = []
        if units:
            rdds.append(sc.parallelize(units, len(units)).flatMap(
                lambda u: _unit_items(u, lim)))
        if remote:
            # folders in object storage are read whole, sub-folders too, as `clean` walks
            # local ones (binaryFiles reads one level by default: the rest was lost silently)
            sc._jsc.hadoopConfiguration().set(
                "mapreduce.input.fileinputformat.input.dir.recursive", "true")
            named = frozenset(_uri_key(u) for u in remote)
            rdds.append(sc.binaryFiles(",".join(remote)).flatMap(
                lambda kv: _blob_items(kv[0], kv[1], lim, named)))
        if not rdds:  # folders with no pages in them: an empty output, as `clean` gives
            rdds.append(sc.parallelize([], 1))
        items = rdds[0] if len(rdds) == 1 else sc.union(rdds)
        n = partitions or (sc.defaultParallelism
                           if items.getNumPartitions() < sc.defaultParallelism else None)
        if n:
            items = items.repartition(n)
        results = items.mapPartitions(
            lambda part: _classify_partition(part, bc, keep_labels, blocks, lim)
        ).persist(StorageLevel.MEMORY_AND_DISK)
        codec = _GZIP_CODEC if gzip else None
        results.filter(lambda t: t[0] == "r").map(lambda t: t[1]).saveAsTextFile(
            outdir, compressionCodecClass=codec
        )
        counts = dict(
            results.map(lambda t: (t[0], int(t[1]) if t[0] == "s" else 1))
            .reduceByKey(lambda a, b: a + b).collect()
        )
        reject_lines = results.filter(lambda t: t[0] == "x").map(lambda t: t[1])
        if rejects:
            with AtomicFile(Path(rejects)) as fh:
                for line in reject_lines.toLocalIterator():
                    fh.write((line + "\n").encode("utf-8"))
                fh.commit()
            rejects_file = rejects
        else:
            rejects_file = outdir.rstrip("/") + "/_rejects"
            reject_lines.coalesce(1).saveAsTextFile(rejects_file)
        results.unpersist()
    except BaseException as exc:  # a failure, Ctrl-C, SIGTERM: no half-written output left
        text = str(exc)
        taken = "FileAlreadyExists" in text or "already exists" in text  # not this run's
        if not (taken or out_local is None or (Path(out_local) / "_SUCCESS").exists()):
            # this run made the folder (an existing one is refused above); left with only
            # `_temporary` in it, it made the same command fail again ("already exists")
            shutil.rmtree(out_local, ignore_errors=True)
        if isinstance(exc, SparkJobError) or not isinstance(exc, Exception):
            raise
        if taken:
            raise SparkJobError(f"{outdir} already exists; choose a new output folder", 2) from None
        raise SparkJobError(f"Spark job failed: {_failure(text) if text else repr(exc)}"
                            ) from None
    finally:
        if stop:
            spark.stop()
    return {
        "pages": counts.get("r", 0) + counts.get("x", 0),
        "records": counts.get("r", 0),
        "rejects": counts.get("x", 0),
        "skipped": counts.get("s", 0),
        "rejects_file": rejects_file,
        "elapsed_s": time.monotonic() - started,
    }


def _main(argv: Sequence[str] | None = None) -> int:
    """The spark-submit entry (see `batch/spark_submit.py`); the master comes from spark-submit."""
    import argparse

    ap = argparse.ArgumentParser(prog="pagesieve/spark_job.py")
    ap.add_argument("inputs", nargs="+")
    ap.add_argument("-o", "--outdir", required=True)
    ap.add_argument("--master", default=None, help="default: whatever spark-submit set")
    ap.add_argument("--blocks", action="store_true")
    ap.add_argument("--keep", default="content")
    ap.add_argument("--model", type=Path, default=None)
    ap.add_argument("--rejects", default=None)
    ap.add_argument("--gzip", action="store_true")
    ap.add_argument("--partitions", type=int, default=None)
    ap.add_argument("--model-on-executors", action="store_true")
    a = ap.parse_args(argv)
    from .batch.cli_commands import spark_command as command

    return command(a.inputs, a.outdir, a.master, a.blocks, a.keep, a.model, rejects=a.rejects,
                   gzip=a.gzip, partitions=a.partitions,
                   model_on_executors=a.model_on_executors)
