"""`pagesieve spark`: the same records as `pagesieve clean`, in Spark executors (local[2])."""

from __future__ import annotations

import gzip
import io
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from pagesieve.batch.cli_commands import clean_command, spark_command
from pagesieve.batch.runner import ONE_THREAD_ENV
from pagesieve.batch.sources import SourceRecord, discover, iter_unit
from pagesieve.batch.writer import dumps_record
from pagesieve.errors import ModelError
from pagesieve.model import default_model_path
from pagesieve.spark_job import (
    SparkJobError,
    _blob_items,
    _executor_env,
    _executor_model,
    _model_spec,
)

pytest.importorskip("fastwarc")
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

PAGE = (
    "<html><body><div class='nav'><a href='/'>首页</a> <a href='/n'>新闻</a></div>"
    "<div class='article'><h1>{t}（{n}）</h1>"
    "<p>记者获悉，{t}工作取得了新的进展，第{n}项措施落地。</p>"
    "<p>专家认为还需要进一步完善。</p></div><div class='comment'><p>网友：写得好！</p></div>"
    "<div class='footer'>版权所有 © 2024 示例网</div></body></html>"
)
TOPICS = ["城市交通", "乡村教育", "科技创新", "文化遗产"]


def page(n: int) -> str:
    return PAGE.format(t=TOPICS[n % len(TOPICS)], n=n)


@pytest.fixture(scope="module")
def model_path() -> Path:
    path = default_model_path()
    if not path.is_file():
        pytest.skip(f"no trained model at {path} (run `make model`)")
    return path


def make_inputs(root: Path) -> Path:
    inp = root / "in"
    (inp / "pages").mkdir(parents=True)
    for n in range(8):
        (inp / "pages" / f"{n}.html").write_bytes(page(n).encode("gb18030"))
    (inp / "pages" / "t.txt").write_text("纯文本页面。\n\n第二段。", encoding="utf-8")
    lines = [json.dumps({"id": n, "url": f"http://j/{n}", "html": page(10 + n)},
                        ensure_ascii=False) for n in range(8)]
    lines.insert(2, "{broken")
    lines.append('{"id": 99, "text": null}')
    (inp / "feed.jsonl.gz").write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=True)
    for n in range(5):
        h = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                             protocol="HTTP/1.1")
        w.write_record(w.create_warc_record(f"http://w/{n}", "response",
                                            payload=io.BytesIO(page(20 + n).encode()),
                                            http_headers=h))
        w.write_record(w.create_warc_record(f"http://w/{n}", "request",
                                            payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
    (inp / "crawl.warc.gz").write_bytes(buf.getvalue())
    return inp


def read_lines(paths: list[Path]) -> list[str]:
    out: list[str] = []
    for p in sorted(paths):
        opener: Any = gzip.open if p.name.endswith(".gz") else open
        with opener(p, "rt", encoding="utf-8") as fh:
            out.extend(line.rstrip("\n") for line in fh if line.strip())
    return out


def spark_parts(folder: Path) -> list[Path]:
    return [p for p in folder.glob("part-*") if not p.name.endswith(".crc")]


@pytest.mark.slow
def test_spark_local_gives_the_same_records_as_clean(
    tmp_path: Path, model_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("pyspark")
    if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        pytest.skip("Spark needs Java (17+); none found")
    from pagesieve.spark_job import run_spark

    monkeypatch.chdir(tmp_path)  # relative inputs, as a user types them
    for key in ONE_THREAD_ENV:
        monkeypatch.delenv(key, raising=False)
    inp = make_inputs(tmp_path)
    keep = "content,comment"
    clean_out = tmp_path / "clean"
    assert clean_command([Path("in")], clean_out, workers=1, model=model_path, blocks=True,
                         keep=keep) == 0
    clean_blocks = read_lines(list(clean_out.glob("part-*")))
    assert len(clean_blocks) == 8 + 1 + 8 + 5
    # the same records without --blocks are the same dicts without "blocks"
    clean_plain = [dumps_record({k: v for k, v in json.loads(x).items() if k != "blocks"})
                   for x in clean_blocks]
    clean_rejects = read_lines([clean_out / "_rejects.jsonl"])
    clean_summary = json.loads((clean_out / "_SUCCESS").read_text())

    summary = run_spark(["in"], str(tmp_path / "spark"), master="local[2]", model=model_path,
                        keep=keep, rejects=str(tmp_path / "spark-rejects.jsonl"), stop=False)
    spark_records = read_lines(spark_parts(tmp_path / "spark"))
    assert sorted(spark_records) == sorted(clean_plain)
    assert (tmp_path / "spark" / "_SUCCESS").exists()
    # the executors' Python workers run one BLAS thread each (the session is still up)
    from pyspark.sql import SparkSession

    session = SparkSession.getActiveSession()
    assert session is not None
    seen = session.sparkContext.parallelize(range(2), 2).map(
        lambda _: [os.environ.get(k) for k in ONE_THREAD_ENV]).collect()
    assert seen == [["1"] * len(ONE_THREAD_ENV)] * 2
    assert sorted(read_lines([tmp_path / "spark-rejects.jsonl"])) == sorted(clean_rejects)
    for k in ("pages", "records", "rejects", "skipped"):
        assert summary[k] == clean_summary[k], k
    assert {json.loads(x)["source"] for x in spark_records} >= {
        "in/feed.jsonl.gz", "in/crawl.warc.gz", "in/pages/0.html"
    }

    # through Spark's own file systems (object storage), here the local one under another
    # scheme name: sub-folders are read too (they were lost), a named odd file is a reject
    session.sparkContext._jsc.hadoopConfiguration().set(  # type: ignore[attr-defined]
        "fs.FILE.impl", "org.apache.hadoop.fs.LocalFileSystem")
    odd = tmp_path / "notes.xyz"
    odd.write_text("x", encoding="utf-8")
    summary = run_spark([f"FILE://{inp}", f"FILE://{odd}"], str(tmp_path / "spark-remote"),
                        master="local[2]", model=model_path, keep=keep, stop=False,
                        rejects=str(tmp_path / "remote-rejects.jsonl"))
    remote = read_lines(spark_parts(tmp_path / "spark-remote"))

    def local_source(line: str) -> str:
        rec = json.loads(line)
        rec["source"] = "in/" + rec["source"].split(str(inp) + "/", 1)[1]
        return dumps_record(rec)
    assert sorted(local_source(x) for x in remote) == sorted(clean_plain)
    remote_rejects = [json.loads(x) for x in read_lines([tmp_path / "remote-rejects.jsonl"])]
    assert summary["rejects"] == len(clean_rejects) + 1
    assert any(r["source"].endswith("notes.xyz") and "unsupported" in r["reason"]
               for r in remote_rejects)

    # folders with no pages: an empty output, as clean gives (it was "no inputs", exit 2)
    (tmp_path / "empty").mkdir()
    summary = run_spark([str(tmp_path / "empty")], str(tmp_path / "spark-empty"),
                        master="local[2]", model=model_path, stop=False)
    assert summary["records"] == 0 and (tmp_path / "spark-empty" / "_SUCCESS").exists()

    # --blocks, gzip output, the model read from a path on the executors, the rejects dataset
    summary = run_spark([str(inp)], str(tmp_path / "spark-blocks"), master="local[2]",
                        model=model_path, blocks=True, keep=keep, gzip=True,
                        model_on_executors=True, partitions=3)
    parts = spark_parts(tmp_path / "spark-blocks")
    assert parts and all(p.name.endswith(".gz") for p in parts)
    got = read_lines(parts)
    # absolute input path this time: compare with the sources made relative again
    prefix = str(inp) + "/"
    assert sorted(x.replace(prefix, "in/") for x in got) == sorted(clean_blocks)
    assert all(json.loads(x)["blocks"] for x in got)
    rejects = read_lines(spark_parts(tmp_path / "spark-blocks" / "_rejects"))
    assert len(rejects) == summary["rejects"] == 2

    # an existing output folder is refused, with exit code 2 from the command
    code = spark_command(["in"], str(tmp_path / "spark"), master="local[2]", model=model_path)
    assert code == 2



def test_missing_pyspark_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    (tmp_path / "a.txt").write_text("文本", encoding="utf-8")
    code = spark_command([str(tmp_path / "a.txt")], str(tmp_path / "out"), master="local[1]")
    assert code == 2
    assert "pip install 'pagesieve[spark]'" in capsys.readouterr().err


def test_model_is_hash_checked_before_shipping_and_on_executors(
    tmp_path: Path, model_path: Path
) -> None:
    spec = _model_spec(model_path, on_executors=False)
    assert len(spec["sha256"]) == 64 and spec["model_bytes"]
    model = _executor_model(spec)
    assert _executor_model(spec) is model  # loaded once per executor process
    with pytest.raises(ModelError):
        _executor_model({**spec, "sha256": "0" * 64, "model_bytes": spec["model_bytes"] + b"x"})

    tampered = tmp_path / model_path.name
    tampered.write_bytes(model_path.read_bytes() + b"\x00")
    shutil.copy(model_path.with_name(model_path.stem + ".manifest.json"), tmp_path)
    with pytest.raises(SparkJobError, match="does not match its manifest"):
        _model_spec(tampered, on_executors=False)


def test_model_on_executors_without_a_model_named_loads_the_executors_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--model-on-executors with no --model sent the driver's resolved path (inside the
    driver's install), which an executor with its own install does not have: exit 1 after
    ~300 lines. The executors now load the model their install ships, checked against the
    driver's hash; a model named (--model, PAGESIEVE_MODEL) is still sent by path."""
    import pagesieve.spark_job as spark_job

    monkeypatch.delenv("PAGESIEVE_MODEL", raising=False)
    shipped = default_model_path()
    spec = _model_spec(None, on_executors=True)
    assert spec["path"] == "" and "model_bytes" not in spec
    monkeypatch.setattr(spark_job, "_MODELS", {})
    assert _executor_model(spec).manifest["sha256"] == spec["sha256"]
    assert _model_spec(shipped, on_executors=True)["path"] == str(shipped.resolve())
    monkeypatch.setenv("PAGESIEVE_MODEL", str(shipped))
    assert _model_spec(None, on_executors=True)["path"] == str(shipped.resolve())
    monkeypatch.delenv("PAGESIEVE_MODEL")
    # an executor whose install ships another model: refused, naming where it looked
    other = tmp_path / "other.joblib"
    shutil.copy(shipped, other)
    meta = json.loads(shipped.with_name(shipped.stem + ".manifest.json").read_text())
    (tmp_path / "other.manifest.json").write_text(json.dumps({**meta, "model_file": other.name}))
    monkeypatch.setattr(spark_job, "_MODELS", {})
    monkeypatch.setattr(spark_job, "default_model_path", lambda: other)
    with pytest.raises(ModelError, match=r"other\.joblib on this executor is not the driver's"):
        _executor_model({**spec, "sha256": "0" * 64})


def test_a_model_spark_would_ship_is_checked_as_every_command_checks_it(
    tmp_path: Path, model_path: Path
) -> None:
    """A symlinked model, a manifest that names another serialization, a changed file: exit
    3 before Spark starts (a symlink was shipped, a serialization mismatch failed on the
    executors after the job had started, a changed file exited 2)."""
    manifest = model_path.with_name(model_path.stem + ".manifest.json")
    link_dir = tmp_path / "ln"
    link_dir.mkdir()
    (link_dir / model_path.name).symlink_to(model_path)
    shutil.copy(manifest, link_dir)
    with pytest.raises(SparkJobError, match="is a symlink") as exc:
        _model_spec(link_dir / model_path.name, on_executors=False)
    assert exc.value.exit_code == 3
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(model_path, other)
    meta = json.loads(manifest.read_text(encoding="utf-8"))
    (other / manifest.name).write_text(json.dumps({**meta, "serialization": "skops"}),
                                       encoding="utf-8")
    with pytest.raises(SparkJobError, match="says 'skops'") as exc:
        _model_spec(other / model_path.name, on_executors=False)
    assert exc.value.exit_code == 3
    with pytest.raises(SparkJobError, match="not found") as exc:
        _model_spec(tmp_path / "missing.joblib", on_executors=False)
    assert exc.value.exit_code == 3


def test_spark_refuses_bad_arguments_before_spark_starts(
    tmp_path: Path, model_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A --rejects that is an input (it replaced the input's pages) or a folder (the rejects
    were lost after the whole job), a master that is no Spark URL, partitions below 1: one
    line, exit 2, nothing started and nothing written."""
    pytest.importorskip("pyspark")
    inp = make_inputs(tmp_path)
    feed = inp / "feed.jsonl.gz"
    before = feed.read_bytes()
    (tmp_path / "rejdir").mkdir()
    cases = [
        ({"rejects": str(feed)}, "is an input file"),
        ({"rejects": str(tmp_path / "rejdir")}, "is a folder"),
        # the output folder (the job ran, then failed) or a file Spark writes there
        ({"rejects": str(tmp_path / "out")}, "is the output folder or inside it"),
        ({"rejects": str(tmp_path / "out" / "part-00000")}, "is the output folder or inside it"),
        ({"master": "bogus://x"}, "is not a Spark master URL"),
        ({"master": "local[abc]"}, "is not a Spark master URL"),
        ({"master": "local[0]"}, "is not a Spark master URL"),  # was 30 lines of Java, exit 1
        ({"partitions": -1}, "--partitions must be 1 or more"),
    ]
    for kw, why in cases:
        args: dict[str, Any] = {"master": "local[1]", "model": model_path, **kw}
        code = spark_command([str(inp)], str(tmp_path / "out"), **args)
        err = capsys.readouterr().err
        assert code == 2 and why in err and len(err.strip().splitlines()) == 1, (kw, err)
        assert not (tmp_path / "out").exists()
    assert feed.read_bytes() == before


def test_files_read_by_spark_give_the_same_items_as_local_files(tmp_path: Path) -> None:
    inp = make_inputs(tmp_path)
    for path in (inp / "feed.jsonl.gz", inp / "crawl.warc.gz", inp / "pages" / "3.html"):
        [unit] = discover([path])
        local = list(iter_unit(unit))
        blob = list(_blob_items(str(path), path.read_bytes(), unit_limits()))
        assert blob == local
        assert any(isinstance(i, SourceRecord) for i in blob)
    assert list(_blob_items("s3a://b/notes.md", b"x", unit_limits())) == []


def unit_limits() -> Any:
    from pagesieve.limits import DEFAULT_LIMITS

    return DEFAULT_LIMITS


class _Conf:
    def __init__(self, keys: set[str]) -> None:
        self.keys = keys

    def contains(self, key: str) -> bool:
        return key in self.keys


def test_executor_env_keeps_what_the_user_set() -> None:
    name = "spark.executorEnv.OPENBLAS_NUM_THREADS"
    every = {f"spark.executorEnv.{k}": "1" for k in ONE_THREAD_ENV}
    assert _executor_env(_Conf(set()), {}) == every
    assert name not in _executor_env(_Conf({name}), {})  # the Spark conf's own setting stays
    assert _executor_env(_Conf(set()), {"OPENBLAS_NUM_THREADS": "4"})[name] == "4"


def test_hadoop_spelling_of_a_local_file_is_local() -> None:
    """`file:/tmp/a.jsonl` (as Hadoop prints paths) was "input not found"."""
    from pagesieve.spark_job import _split_inputs

    assert _split_inputs(["file:///tmp/a.jsonl", "file:/tmp/b.jsonl", "s3a://x/y", "in"]) == (
        ["/tmp/a.jsonl", "/tmp/b.jsonl", "in"], ["s3a://x/y"])


def test_an_interrupted_job_leaves_no_output_folder_behind(
    tmp_path: Path, model_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Stopped mid-write (Ctrl-C, SIGTERM, a failed job) the folder held only `_temporary`,
    and the same command was then refused: "already exists"."""
    pytest.importorskip("pyspark")
    if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        pytest.skip("Spark needs Java (17+); none found")
    import pyspark

    inp = make_inputs(tmp_path)
    out = tmp_path / "out"

    def interrupted(self: Any, path: str, *args: Any, **kwargs: Any) -> None:
        (Path(path) / "_temporary" / "0").mkdir(parents=True)
        raise KeyboardInterrupt

    with monkeypatch.context() as mp:
        mp.setattr(pyspark.RDD, "saveAsTextFile", interrupted)
        code = spark_command([str(inp)], str(out), master="local[1]", model=model_path)
    err = capsys.readouterr().err
    assert code == 130 and "interrupted" in err.splitlines()[-1]
    assert not out.exists()
    assert spark_command([str(inp)], str(out), master="local[1]", model=model_path) == 0
    assert (out / "_SUCCESS").exists()


def test_a_job_failing_in_the_executors_names_their_python_exception() -> None:
    """Spark's error of a job whose executors raised starts with the call that failed; the
    cause (here: the executors' Python had no pagesieve) was only in the Java above it."""
    from pagesieve.spark_job import _failure

    text = (
        "An error occurred while calling o68.saveAsTextFile.\n"
        ": org.apache.spark.SparkException: Job aborted due to stage failure: Task 0 in stage "
        "0.0 failed 1 times, most recent failure: Lost task 0.0 in stage 0.0 (TID 0) "
        "(192.0.2.2 executor driver): org.apache.spark.api.python.PythonException: "
        "[PYTHON_EXCEPTION] An exception was thrown from the Python worker: Traceback (most "
        "recent call last):\n"
        '  File "/x/pyspark/serializers.py", line 483, in loads\n'
        "    return cloudpickle.loads(obj, encoding=encoding)\n"
        "ModuleNotFoundError: No module named 'pagesieve'\n"
        " SQLSTATE: 38000\n"
        "\tat org.apache.spark.api.python.BasePythonRunner$ReaderIterator.handlePythonException"
        "(PythonRunner.scala:1097)\n"
    )
    assert _failure(text) == ("ModuleNotFoundError: No module named 'pagesieve' (in an "
                              "executor; An error occurred while calling o68.saveAsTextFile.)")
    chained = text.replace(
        "ModuleNotFoundError: No module named 'pagesieve'\n",
        "KeyError: 'x'\n\nDuring handling of the above exception, another exception occurred:"
        "\n\nTraceback (most recent call last):\n  File \"/x/y.py\", line 1, in f\n"
        "pagesieve.errors.ModelError: model file not found: /a/pagesieve.joblib\n")
    assert _failure(chained).startswith("ModelError: model file not found: /a/pagesieve.joblib")
    assert _failure("Java gateway process exited\nmore") == "Java gateway process exited"
