"""The batch runner with real workers, the real `classify_page` and the shipped model.

Covers: records identical to `classify_page`, rejects with source/offset/reason, --blocks,
--keep, --gzip, refusing to mix runs, a per-page time limit and a hard watchdog, a crashing
worker, a full disk (simulated ENOSPC, and a real tiny tmpfs where mount is allowed), inputs that
vanish mid-run, and `kill -9` in the middle followed by --resume (every page exactly once).
"""

from __future__ import annotations

import errno
import gzip
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from pagesieve.batch import runner as runner_mod
from pagesieve.batch import writer as writer_mod
from pagesieve.batch.cli_commands import clean_command
from pagesieve.batch.runner import RunConfig, RunError, run
from pagesieve.batch.writer import dumps_record
from pagesieve.classify import classify_page
from pagesieve.limits import Limits
from pagesieve.model import default_model_path, load_model

pytest.importorskip("fastwarc")
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

REPO = Path(__file__).resolve().parents[1]

TOPICS = ["城市交通", "乡村教育", "科技创新", "文化遗产", "体育赛事", "医疗改革", "环境保护"]


def page_html(n: int) -> str:
    topic = TOPICS[n % len(TOPICS)]
    return (
        f"<html><head><title>{topic}报道之{n}</title></head><body>"
        f'<div class="nav"><a href="/">首页</a> <a href="/news">新闻</a> '
        f'<a href="/about">关于</a></div>'
        f'<div class="article"><h1>{topic}的新进展（第{n}期）</h1>'
        f"<p>记者从有关部门获悉，{topic}工作在今年取得了明显成效，第{n}项措施已经落地实施。</p>"
        f"<p>专家表示，相关政策还需要进一步完善，群众的获得感正在不断增强。</p></div>"
        f'<div class="comments"><p>网友评论：这篇关于{topic}的文章写得很好。</p></div>'
        f'<ul class="related"><li><a href="/a{n}">相关阅读：{topic}的历史回顾</a></li></ul>'
        f'<div class="footer">版权所有 © 2024 示例新闻网 京ICP备00000000号</div>'
        f"</body></html>"
    )


def page_text(n: int) -> str:
    topic = TOPICS[n % len(TOPICS)]
    return (f"{topic}观察（{n}）\n\n今年以来，{topic}领域出现了许多新变化。\n\n"
            "相关部门表示将继续推进。")


@pytest.fixture(scope="module")
def model_path() -> Path:
    path = default_model_path()
    if not path.is_file():
        pytest.skip(f"no trained model at {path} (run `make model`)")
    return path


def read_records(out: Path) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    for p in sorted(out.glob("part-*.jsonl*")):
        opener: Any = gzip.open if p.name.endswith(".gz") else open
        with opener(p, "rt", encoding="utf-8") as fh:
            records.extend(json.loads(line) for line in fh)
    return records


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def key(rec: dict[str, Any]) -> tuple[str, str]:
    return rec["source"], str(rec.get("id", rec.get("warc_record_id", "")))


def make_inputs(root: Path, n_html: int = 12, n_jsonl: int = 12, n_warc: int = 6) -> Path:
    """A folder of html/txt pages, a JSONL file with bad lines, a truncated .warc.gz."""
    inp = root / "in"
    (inp / "pages").mkdir(parents=True)
    for n in range(n_html):
        (inp / "pages" / f"p{n:03d}.html").write_bytes(page_html(n).encode("gb18030"))
    (inp / "pages" / "note.txt").write_text(page_text(99), encoding="utf-8")
    lines = [json.dumps({"id": f"j{n}", "url": f"http://j/{n}", "html": page_html(100 + n)},
                        ensure_ascii=False) for n in range(n_jsonl)]
    lines.insert(3, '{"id": "broken", "html": ')
    lines.insert(6, '{"id": "nul", "text": null}')
    lines.append(json.dumps({"id": "jt", "text": page_text(7)}, ensure_ascii=False))
    (inp / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=True)
    for n in range(n_warc):
        w.write_record(w.create_warc_record(
            f"http://w/{n}", "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")
        ))
        h = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                             protocol="HTTP/1.1")
        w.write_record(w.create_warc_record(
            f"http://w/{n}", "response", payload=io.BytesIO(page_html(200 + n).encode()),
            http_headers=h,
        ))
    blob = buf.getvalue()
    # cut inside the last member: the last response
    (inp / "crawl.warc.gz").write_bytes(blob[: len(blob) - 150])
    return inp


def test_clean_records_match_classify_page_and_rejects_are_recorded(
    tmp_path: Path, model_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inp = make_inputs(tmp_path)
    # binary bytes labelled text/html reach the core, which refuses them: rejects, not crashes
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=False)
    noise = bytes(range(256)) * 8
    for uri, body in (("http://b/doc.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + noise),
                      ("http://b/img.png", b"\x89PNG\r\n\x1a\n" + noise)):
        h = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        w.write_record(w.create_warc_record(uri, "response", payload=io.BytesIO(body),
                                            http_headers=h))
    (inp / "binary.warc").write_bytes(buf.getvalue())
    out = tmp_path / "out"
    code = clean_command([inp], out, workers=2, model=model_path, shard_size=5)
    assert code == 0
    err = capsys.readouterr().err
    assert "pagesieve clean:" in err and "rejects" in err

    records = read_records(out)
    counts = Counter(key(r) for r in records)
    assert max(counts.values()) == 1  # no page twice
    sources = Counter(r["source"] for r in records)
    assert sources[str(inp / "feed.jsonl")] == 13
    assert sources[str(inp / "crawl.warc.gz")] == 5  # the cut sixth record is a reject
    assert sum(1 for s in sources if s.endswith((".html", ".txt"))) == 13

    model = load_model(model_path)
    feed = [json.loads(x) for x in (inp / "feed.jsonl").read_text().splitlines()
            if x.startswith('{"id": "j')]
    by_key = {key(r): r for r in records}
    for obj in feed[:4]:
        want = classify_page(
            obj["html"], kind="html", source=str(inp / "feed.jsonl"), url=obj["url"],
            extra={"id": obj["id"], "url": obj["url"]}, model=model, explain=False,
        ).to_dict(blocks=False, why=False)
        assert by_key[(str(inp / "feed.jsonl"), obj["id"])] == json.loads(dumps_record(want))
    html_path = inp / "pages" / "p001.html"
    want = classify_page(html_path.read_bytes(), kind="html", source=str(html_path),
                         model=model, explain=False).to_dict(blocks=False, why=False)
    assert by_key[(str(html_path), "")] == json.loads(dumps_record(want))
    assert want["encoding"] == "gb18030"
    warc_rec = next(r for r in records if r["source"].endswith(".warc.gz"))
    assert list(warc_rec)[:3] == ["source", "url", "warc_record_id"]

    rejects = read_jsonl(out / "_rejects.jsonl")
    assert {(r["source"], r["offset"]) for r in rejects} >= {
        (str(inp / "feed.jsonl"), 4), (str(inp / "feed.jsonl"), 7)
    }
    assert all(set(r) >= {"source", "offset", "reason"} for r in rejects)
    assert any(r["source"].endswith(".warc.gz") and "cut short" in r["reason"] for r in rejects)
    binary = [r for r in rejects if r["source"].endswith("binary.warc")]
    assert [r["url"] for r in binary] == ["http://b/doc.pdf", "http://b/img.png"]
    assert all("DecodeError" in r["reason"] and r["warc_record_id"] for r in binary)
    summary = json.loads((out / "_SUCCESS").read_text())
    assert summary["records"] == len(records) == 31
    assert summary["rejects"] == len(rejects) == 5
    assert summary["skipped"] == 6  # the WARC request records
    assert summary["pages"] == 36
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


def test_blocks_keep_and_gzip(tmp_path: Path, model_path: Path) -> None:
    inp = tmp_path / "in"
    inp.mkdir()
    for n in range(4):
        (inp / f"{n}.html").write_text(page_html(n), encoding="utf-8")
    out = tmp_path / "out"
    summary = run(RunConfig(inputs=(str(inp),), outdir=out, blocks=True,
                            keep=("content", "comment"), workers=1, gzip=True, model=model_path))
    assert summary.records == 4
    assert all(p.name.endswith(".jsonl.gz") for p in out.glob("part-*"))
    records = read_records(out)
    model = load_model(model_path)
    for rec in records:
        want = classify_page(Path(rec["source"]).read_bytes(), kind="html", source=rec["source"],
                             keep=("content", "comment"), model=model, explain=False)
        assert rec == json.loads(dumps_record(want.to_dict(blocks=True, why=False)))
        assert rec["blocks"] and all("xpath" in b and "why" not in b for b in rec["blocks"])


def test_an_existing_run_is_not_mixed_with_another(tmp_path: Path, model_path: Path) -> None:
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "a.txt").write_text(page_text(1), encoding="utf-8")
    out = tmp_path / "out"
    cfg = RunConfig(inputs=(str(inp),), outdir=out, workers=1, model=model_path)
    run(cfg)
    with pytest.raises(RunError, match="--resume") as exc:
        run(cfg)
    assert exc.value.exit_code == 2
    with pytest.raises(RunError, match="keep"):
        run(RunConfig(inputs=(str(inp),), outdir=out, workers=1, model=model_path,
                      keep=("comment",), resume=True))
    again = run(RunConfig(inputs=(str(inp),), outdir=out, workers=1, model=model_path,
                          resume=True))
    assert again.records == 1 and again.shards_resumed == 1 and again.pages_this_run == 0
    assert clean_command([tmp_path / "missing"], tmp_path / "o2", model=model_path) == 2
    assert clean_command([inp], tmp_path / "o3", keep="content,spam", model=model_path) == 2


def test_worker_counts_out_of_range_are_usage_errors(tmp_path: Path, model_path: Path) -> None:
    from pagesieve.batch.runner import MAX_WORKERS_PER_CORE, default_workers

    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "a.txt").write_text(page_text(1), encoding="utf-8")
    too_many = MAX_WORKERS_PER_CORE * default_workers() + 1
    for workers, says in ((too_many, "per core"), (-1, "at least 1")):
        out = tmp_path / f"out{workers}"
        with pytest.raises(RunError, match=says) as exc:
            run(RunConfig(inputs=(str(inp),), outdir=out, workers=workers, model=model_path))
        assert exc.value.exit_code == 2 and not out.exists()  # refused before anything ran
        assert clean_command([inp], out, workers=workers, model=model_path) == 2
    # 0 means all cores
    done = run(RunConfig(inputs=(str(inp),), outdir=tmp_path / "o0", workers=0,
                         model=model_path))
    assert done.records == 1 and done.workers == default_workers()


def test_output_paths_that_cannot_work_are_usage_errors_before_anything_runs(
    tmp_path: Path, model_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    victim = tmp_path / "victim.jsonl"
    original = json.dumps({"id": 1, "text": page_text(1)}, ensure_ascii=False) + "\n"
    victim.write_text(original, encoding="utf-8")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "feed.jsonl").write_text(original, encoding="utf-8")
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder", encoding="utf-8")
    a_dir = tmp_path / "a-dir"
    a_dir.mkdir()
    out = tmp_path / "out"
    cases: list[tuple[list[Path], Path, Path | None, str]] = [
        ([victim], out, victim, "would overwrite it"),  # --rejects names an input file
        ([folder], out, folder / "feed.jsonl", "would overwrite it"),  # ... one in a folder
        ([victim], out, a_dir, "is a folder"),
        ([victim], a_file, None, "exists and is not a folder"),
        ([victim], a_file / "sub", None, "cannot write to the output folder"),
        ([folder], folder, None, "output folder"),  # the output folder is an input
        # a shard or _SUCCESS of the run (the rejects replaced records, or were replaced)
        ([victim], out, out / "part-victim-0123456789-00000.jsonl", "inside the output folder"),
        ([victim], out, out / "_SUCCESS", "inside the output folder"),
        # its temp name would pass 255 bytes: it failed after all the work, and every resume
        ([victim], out, tmp_path / ("r" * 245 + ".jsonl"), "the name is too long"),
    ]
    for inputs, outdir, rejects, message in cases:
        code = clean_command(inputs, outdir, workers=1, rejects=rejects, model=model_path)
        err = capsys.readouterr().err
        assert code == 2, (outdir, rejects, err)
        assert message in err and "Traceback" not in err and len(err.splitlines()) == 1, err
        assert not out.exists()
    assert victim.read_text(encoding="utf-8") == original
    assert (folder / "feed.jsonl").read_text(encoding="utf-8") == original
    assert a_file.read_text(encoding="utf-8") == "not a folder"


def test_an_output_folder_or_rejects_file_that_cannot_be_written_is_one_line(
    tmp_path: Path, model_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A read-only place (simulated: the tests may run as root, whom modes do not stop): exit 2
    and one line before any page, not a traceback, nor a failure after all the work."""
    from pagesieve.batch import runner

    inp = tmp_path / "in.txt"
    inp.write_text(page_text(1), encoding="utf-8")
    ro = tmp_path / "ro"
    ro.mkdir()
    real_access = os.access
    monkeypatch.setattr(runner.os, "access",
                        lambda p, mode: False if Path(p) == ro else real_access(p, mode))
    code = clean_command([inp], tmp_path / "out", workers=1, rejects=ro / "r.jsonl",
                         model=model_path)
    err = capsys.readouterr().err
    assert code == 2 and f"cannot write to {ro}" in err and len(err.splitlines()) == 1, err

    def read_only(*_: Any) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(runner, "write_json_atomic", read_only)
    code = clean_command([inp], tmp_path / "out", workers=1, model=model_path)
    err = capsys.readouterr().err
    assert code == 2 and "cannot write to the output folder" in err, err
    assert "Read-only file system" in err and "Traceback" not in err


def test_files_of_other_suffixes_in_a_folder_are_counted_and_named(
    tmp_path: Path, model_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder of `.shtml` pages gave "0 pages" and no word of what was passed over."""
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "a.html").write_text(page_html(1), encoding="utf-8")
    (inp / "b.shtml").write_text(page_html(2), encoding="utf-8")
    (inp / "c.ndjson").write_text('{"id": 1, "text": "x"}\n', encoding="utf-8")
    assert clean_command([inp], tmp_path / "out", workers=1, model=model_path) == 0
    err = capsys.readouterr().err
    assert "ignored  2 files in the input folders with other suffixes (e.g. " in err, err
    summary = json.loads((tmp_path / "out" / "_SUCCESS").read_text(encoding="utf-8"))
    assert summary["ignored_files"] == 2 and summary["records"] == 1


def test_resume_refuses_a_folder_of_output_that_is_no_run(
    tmp_path: Path, model_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`part-*` files without the run's settings (another tool's output, a Spark folder):
    --resume has nothing to resume and must not mix its shards in with them."""
    inp = tmp_path / "in.txt"
    inp.write_text(page_text(1), encoding="utf-8")
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "part-old.jsonl").write_text('{"x": 1}\n', encoding="utf-8")
    (busy / "_SUCCESS").write_text("", encoding="utf-8")
    assert clean_command([inp], busy, workers=1, model=model_path) == 2
    assert "pass --resume" in capsys.readouterr().err
    assert clean_command([inp], busy, workers=1, resume=True, model=model_path) == 2
    err = capsys.readouterr().err
    assert "no run to resume" in err and len(err.splitlines()) == 1, err
    assert sorted(p.name for p in busy.iterdir()) == ["_SUCCESS", "part-old.jsonl"]


def test_a_resume_beside_a_live_run_is_refused(
    tmp_path: Path, model_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """While a run holds the output folder (simulated by a second holder of its lock), a
    --resume of it is refused, exit 2, and leaves the live run's temp files alone (it deleted
    them, and the live run died on its own rename); once the lock is free it resumes."""
    from pagesieve.batch.writer import TMP_PREFIX, TMP_SUFFIX, ShardStore

    inp = tmp_path / "in.txt"
    inp.write_text(page_text(1), encoding="utf-8")
    out = tmp_path / "out"
    assert clean_command([inp], out, workers=1, model=model_path) == 0
    assert (out / "_state" / "lock").is_file()  # left behind, unlocked: harmless
    live = ShardStore(out)
    live.lock()
    writing = out / f"{TMP_PREFIX}part-x.jsonl.1{TMP_SUFFIX}"
    writing.write_text("half a shard", encoding="utf-8")
    try:
        capsys.readouterr()
        assert clean_command([inp], out, workers=1, resume=True, model=model_path) == 2
        err = capsys.readouterr().err
        assert "in use by another pagesieve run" in err and len(err.splitlines()) == 1, err
        assert writing.exists()
        # a second fresh run says so too (it advised --resume, which was then refused)
        assert clean_command([inp], out, workers=1, model=model_path) == 2
        assert "in use by another pagesieve run" in capsys.readouterr().err
    finally:
        live.unlock()
    assert clean_command([inp], out, workers=1, resume=True, model=model_path) == 0
    assert not writing.exists()


def test_rejects_through_a_link_or_a_fifo_leave_them_in_place(
    tmp_path: Path, model_path: Path
) -> None:
    """`--rejects` naming a link or a FIFO (as `/dev/stdout` is): the rejects reach what it
    points to, and the link or FIFO is still there afterwards (the rename used to replace it
    with a regular file: `--rejects /dev/null` would have replaced the machine's /dev/null)."""
    inp = tmp_path / "feed.jsonl"
    inp.write_text('{"id": 1, "html": 5}\n', encoding="utf-8")  # a reject: html not a string
    real = tmp_path / "logs" / "rejects.jsonl"
    real.parent.mkdir()
    link = tmp_path / "rejects-link.jsonl"
    link.symlink_to(real)
    assert clean_command([inp], tmp_path / "o1", workers=1, rejects=link, model=model_path) == 0
    assert link.is_symlink()
    assert [r["id"] for r in read_jsonl(real)] == [1]

    fifo = tmp_path / "rejects.fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    assert clean_command([inp], tmp_path / "o2", workers=1, rejects=fifo, model=model_path) == 0
    reader.join(30)
    assert fifo.is_fifo()
    assert [json.loads(line)["id"] for line in got[0].splitlines()] == [1]


def test_a_run_never_reads_its_own_output_inside_an_input_folder(
    tmp_path: Path, model_path: Path
) -> None:
    """Output folder and rejects file inside the input folder: the first run and every resume
    see the same inputs, none of which is the run's own output."""
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "a.html").write_text(page_html(1), encoding="utf-8")
    (inp / "b.txt").write_text(page_text(2), encoding="utf-8")
    (inp / "c.jsonl").write_text('{"id": 1, "text": null}\n', encoding="utf-8")
    out = inp / "out"
    rejects = inp / "rejects.jsonl"

    def cfg(**kw: Any) -> RunConfig:
        return RunConfig(inputs=(str(inp),), outdir=out, workers=1, model=model_path, **kw)

    first = run(cfg())
    assert (first.pages, first.records, first.rejects) == (3, 2, 1)
    again = run(cfg(resume=True))
    assert (again.pages, again.records, again.rejects, again.pages_this_run) == (3, 2, 1, 0)
    assert len(read_records(out)) == 2
    # and with --rejects in the input folder too
    shutil.rmtree(out)
    first = run(cfg(rejects=rejects))
    again = run(cfg(rejects=rejects, resume=True))
    assert (first.pages, again.pages, again.pages_this_run) == (3, 3, 0)
    assert len(read_jsonl(rejects)) == 1


def test_resume_refuses_an_input_that_changed_since_the_run_began(
    tmp_path: Path, model_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Shard markers record positions in an input's stream: after a file is added to a folder
    they would name other pages, so a resume must refuse instead of losing or repeating some."""
    inp = tmp_path / "in"
    inp.mkdir()
    for n in range(0, 12, 2):
        (inp / f"{n:02d}.txt").write_text(page_text(n), encoding="utf-8")
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps({"id": n, "text": page_text(n)}, ensure_ascii=False)
                            + "\n" for n in range(4)), encoding="utf-8")
    out = tmp_path / "out"
    args: dict[str, Any] = {"workers": 1, "model": model_path, "shard_size": 2}
    assert clean_command([inp, feed], out, **args) == 0
    complete = sorted(read_records(out), key=key)
    capsys.readouterr()

    def interrupt() -> None:
        """What a kill leaves: no _SUCCESS, no unit markers, the last shard of each unfinished."""
        (out / "_SUCCESS").unlink()
        done = out / "_state" / "done"
        for p in done.glob("*.unit.json"):
            p.unlink()
        for last in ("in-*-00002", "feed.jsonl-*-00001"):
            [marker] = done.glob(f"{last}.json")
            marker.unlink()
            [part] = out.glob(f"part-{last}.jsonl")
            part.unlink()

    interrupt()
    (inp / "05.txt").write_text(page_text(5), encoding="utf-8")  # lands mid-folder
    assert clean_command([inp, feed], out, resume=True, **args) == 2
    err = capsys.readouterr().err
    assert f"input folder {inp} changed since the run began" in err, err
    assert "new output folder" in err and len(err.splitlines()) == 1
    (inp / "05.txt").unlink()
    with feed.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": 9, "text": page_text(9)}, ensure_ascii=False) + "\n")
    assert clean_command([inp, feed], out, resume=True, **args) == 2
    assert f"input {feed} changed" in capsys.readouterr().err
    # put back as it was, the resume finishes the run: every page exactly once
    feed.write_text("".join(json.dumps({"id": n, "text": page_text(n)}, ensure_ascii=False)
                            + "\n" for n in range(4)), encoding="utf-8")
    assert clean_command([inp, feed], out, resume=True, **args) == 0
    assert sorted(read_records(out), key=key) == complete
    # a finished input was read whole: changing it later does not stop a resume, but the
    # summary says the page added there is not in the output (it said nothing)
    capsys.readouterr()
    assert clean_command([inp, feed], out, resume=True, **args) == 0
    assert "changed" not in capsys.readouterr().err
    (inp / "05.txt").write_text(page_text(5), encoding="utf-8")
    assert clean_command([inp, feed], out, resume=True, **args) == 0
    err = capsys.readouterr().err
    assert (f"changed  1 input finished by the earlier run changed since (input folder {inp})"
            in err), err
    assert "pages added there are not in this output" in err
    assert sorted(read_records(out), key=key) == complete
    summary = json.loads((out / "_SUCCESS").read_text())
    assert summary["changed_finished_inputs"] == 1


# --------------------------------------------------------------------------------------------
# limits, crashes, full disks — workers wrapped to misbehave on marked pages


def misbehaving_worker(*args: Any) -> None:
    """The real worker loop, but a page containing HANG blocks SIGALRM and sleeps (as if stuck
    in C code), SLOW sleeps (the alarm can stop it), and CRASH kills the worker outright."""
    real = runner_mod.classify_line

    def classify(item: Any, **kw: Any) -> Any:
        data = item.data if isinstance(item.data, str) else item.data.decode("utf-8", "replace")
        if "HANG" in data:
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
            time.sleep(3600)
        if "CRASH" in data:
            os.kill(os.getpid(), signal.SIGKILL)
        if "SLOW" in data:
            import pagesieve.batch.process as process

            real_classify = process.classify_page

            def slow(*a: Any, **k: Any) -> Any:
                time.sleep(3600)
                return real_classify(*a, **k)

            process.classify_page = slow  # type: ignore[assignment]
            try:
                return real(item, **kw)
            finally:
                process.classify_page = real_classify
        return real(item, **kw)

    runner_mod.classify_line = classify  # type: ignore[assignment]
    runner_mod._worker_main(*args)


def test_time_limits_and_crashes_reject_one_page_and_the_run_goes_on(
    tmp_path: Path, model_path: Path
) -> None:
    inp = tmp_path / "in"
    inp.mkdir()
    for n in range(12):
        (inp / f"{n:02d}.txt").write_text(page_text(n), encoding="utf-8")
    (inp / "03.txt").write_text("SLOW " + page_text(3), encoding="utf-8")
    (inp / "06.txt").write_text("HANG " + page_text(6), encoding="utf-8")
    (inp / "09.txt").write_text("CRASH " + page_text(9), encoding="utf-8")
    out = tmp_path / "out"
    t0 = time.monotonic()
    summary = run(
        RunConfig(inputs=(str(inp),), outdir=out, workers=2, model=model_path, batch_size=4,
                  limits=Limits(max_seconds=1.0), hard_grace_s=2.0),
        worker_target=misbehaving_worker,
    )
    assert time.monotonic() - t0 < 60
    assert summary.records == 9 and summary.rejects == 3
    assert summary.worker_restarts == 2  # the hung one (killed) and the crashed one
    reasons = {Path(r["source"]).name: r["reason"] for r in read_jsonl(out / "_rejects.jsonl")}
    assert "time limit: page took longer than 1s" in reasons["03.txt"]
    assert "worker killed" in reasons["06.txt"]
    assert "worker died" in reasons["09.txt"]
    names = sorted(Path(r["source"]).name for r in read_records(out))
    assert names == [f"{n:02d}.txt" for n in range(12) if n not in (3, 6, 9)]


def test_a_worker_gets_its_next_batch_while_it_works_and_a_crash_redoes_both(
    tmp_path: Path, model_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parent sends each worker its next batch ahead (`_IN_FLIGHT`); when a worker dies,
    the batch it died in and the one waiting behind it are both redone, the page it died on is
    the one reject, and only the batch it died in counts a retry."""
    inp = tmp_path / "in"
    inp.mkdir()
    for n in range(30):
        (inp / f"{n:02d}.txt").write_text(page_text(n), encoding="utf-8")
    (inp / "05.txt").write_text("CRASH " + page_text(5), encoding="utf-8")
    depths: list[int] = []
    retried: list[int] = []
    real_send = runner_mod._Runner._send

    def send(self: Any, w: Any, batch: Any) -> None:
        if batch.retries or batch.poison:
            retried.append(batch.retries)
        real_send(self, w, batch)
        depths.append(len(w.batches))

    monkeypatch.setattr(runner_mod._Runner, "_send", send)
    out = tmp_path / "out"
    summary = run(
        RunConfig(inputs=(str(inp),), outdir=out, workers=1, model=model_path, batch_size=2),
        worker_target=misbehaving_worker,
    )
    assert max(depths) == runner_mod._IN_FLIGHT == 2
    assert summary.records == 29 and summary.rejects == 1 and summary.worker_restarts == 1
    assert retried == [0]  # the crashed batch, redone with its page poisoned
    names = Counter(Path(r["source"]).name for r in read_records(out))
    assert sorted(names) == [f"{n:02d}.txt" for n in range(30) if n != 5]
    assert set(names.values()) == {1}
    (reject,) = read_jsonl(out / "_rejects.jsonl")
    assert Path(reject["source"]).name == "05.txt" and "worker died" in reject["reason"]


def test_a_batch_that_cannot_be_sent_stops_the_run_instead_of_hanging(
    tmp_path: Path, model_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sender thread cannot pickle a batch (here: an id that is a function): the worker would
    wait for it forever, so the run stops with the reason."""
    inp = tmp_path / "in"
    inp.mkdir()
    for n in range(6):
        (inp / f"{n}.txt").write_text(page_text(n), encoding="utf-8")
    real_iter = runner_mod.iter_unit

    def iter_unit(unit: Any, limits: Any) -> Any:
        for i, item in enumerate(real_iter(unit, limits)):
            yield replace(item, id=lambda: None) if i == 3 else item

    monkeypatch.setattr(runner_mod, "iter_unit", iter_unit)
    t0 = time.monotonic()
    with pytest.raises(RunError, match="could not send pages to a worker: "):
        run(RunConfig(inputs=(str(inp),), outdir=tmp_path / "out", workers=1, model=model_path,
                      batch_size=2))
    assert time.monotonic() - t0 < 60


def blas_checking_worker(*args: Any) -> None:
    """The real worker, after checking that numpy's BLAS in this worker runs one thread."""
    from threadpoolctl import threadpool_info

    threads = [info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"]
    if threads != [1] * len(threads) or not threads:
        args[1].send(("fatal", None, f"BLAS threads in a worker: {threads}"))
        return
    runner_mod._worker_main(*args)


def test_workers_run_one_blas_thread_each(tmp_path: Path, model_path: Path) -> None:
    """OpenBLAS starts a thread per core in every worker, spinning after each small product:
    with N workers on N cores they take CPU from each other."""
    inp = tmp_path / "in"
    inp.mkdir()
    for n in range(4):
        (inp / f"{n}.txt").write_text(page_text(n), encoding="utf-8")
    before = dict(os.environ)
    summary = run(
        RunConfig(inputs=(str(inp),), outdir=tmp_path / "out", workers=2, model=model_path),
        worker_target=blas_checking_worker,
    )
    assert summary.records == 4
    assert dict(os.environ) == before  # this process's own settings are left as they were


def test_disk_full_stops_the_run_and_resume_finishes_it(
    tmp_path: Path, model_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inp = tmp_path / "in"
    inp.mkdir()
    for n in range(20):
        (inp / f"{n:02d}.txt").write_text(page_text(n), encoding="utf-8")
    out = tmp_path / "out"
    real_commit = writer_mod.AtomicFile.commit
    calls = {"n": 0}

    def commit(self: writer_mod.AtomicFile) -> Path:
        if self.path.name.startswith("part-"):
            calls["n"] += 1
            if calls["n"] == 2:
                self.abort()
                raise OSError(errno.ENOSPC, "No space left on device")
        return real_commit(self)

    monkeypatch.setattr(writer_mod.AtomicFile, "commit", commit)
    code = clean_command([inp], out, workers=1, model=model_path, shard_size=5)
    assert code == 1
    assert not (out / "_SUCCESS").exists()
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []
    assert len(list(out.glob("part-*"))) == 1
    monkeypatch.setattr(writer_mod.AtomicFile, "commit", real_commit)
    assert clean_command([inp], out, workers=1, model=model_path, shard_size=5,
                         resume=True) == 0
    names = [Path(r["source"]).name for r in read_records(out)]
    assert sorted(names) == [f"{n:02d}.txt" for n in range(20)]


def test_inputs_that_vanish_mid_run_are_rejects_and_resume_adds_nothing(
    tmp_path: Path, model_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inp = tmp_path / "in"
    (inp / "pages").mkdir(parents=True)
    for n in range(20):
        (inp / "pages" / f"{n:02d}.txt").write_text(page_text(n), encoding="utf-8")
    for name in ("a", "b"):  # containers are read before loose pages
        lines = [json.dumps({"id": f"{name}{i}", "text": page_text(i)}, ensure_ascii=False)
                 for i in range(5)]
        (inp / f"{name}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    real_iter = runner_mod.iter_unit

    def vanishing(unit: Any, limits: Limits) -> Any:
        # once the run is under way (a.jsonl half read), a page file and a whole container
        # file disappear, as when a crawler rotates its output under us
        for i, item in enumerate(real_iter(unit, limits)):
            if i == 2:
                for victim in (inp / "pages" / "12.txt", inp / "b.jsonl"):
                    victim.unlink(missing_ok=True)
            yield item

    monkeypatch.setattr(runner_mod, "iter_unit", vanishing)
    out = tmp_path / "out"
    assert clean_command([inp], out, workers=1, model=model_path, shard_size=6) == 0
    rejects = read_jsonl(out / "_rejects.jsonl")
    assert {(Path(r["source"]).name, r["offset"]) for r in rejects} == {
        ("12.txt", 0), ("b.jsonl", 0)}
    assert all("vanished" in r["reason"] for r in rejects)
    def seen() -> Counter[str]:
        return Counter(Path(r["source"]).name + str(r.get("id", "")) for r in read_records(out))

    names = seen()
    assert names == Counter([*(f"{n:02d}.txt" for n in range(20) if n != 12),
                             *(f"a.jsonla{i}" for i in range(5))])
    assert [p.name for p in out.rglob(".*")] == []  # no temp file left visible
    summary = json.loads((out / "_SUCCESS").read_text())
    assert summary["records"] == 24 and summary["rejects"] == 2
    # a rerun with --resume redoes nothing: every page still exactly once
    monkeypatch.setattr(runner_mod, "iter_unit", real_iter)
    assert clean_command([inp], out, workers=1, model=model_path, shard_size=6,
                         resume=True) == 0
    assert seen() == names


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Any:
    """A 320 KB tmpfs (root and mount(2) needed; skipped otherwise), unmounted afterwards."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=320k", "tmpfs", str(mnt)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({r.stderr.strip() or r.returncode}); the "
                    "simulated ENOSPC test above covers the logic")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def test_real_disk_full_stops_the_run_cleanly_and_resume_finishes_it(
    tmp_path: Path, model_path: Path, tiny_disk: Path
) -> None:
    inp = tmp_path / "in"
    inp.mkdir()
    n_pages = 150
    for n in range(n_pages):
        (inp / f"{n:03d}.html").write_text(page_html(n), encoding="utf-8")
    out = tiny_disk / "out"
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    cmd = [sys.executable, "-m", "pagesieve.batch", "clean", str(inp), "-o", str(out),
           "--workers", "1", "--shard-size", "10", "--blocks", "--model", str(model_path)]
    full = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert full.returncode == 1, full.stderr
    assert "No space left on device" in full.stderr and "--resume" in full.stderr
    assert "Traceback" not in full.stderr
    assert not (out / "_SUCCESS").exists()
    # nothing partial is visible: no temp files, and every part file is whole JSON lines
    assert [p.name for p in out.rglob(".*")] == []
    partial = read_records(out)
    assert 0 < len(partial) < n_pages
    # free space (grow the tmpfs) and resume: every page exactly once
    r = subprocess.run(["mount", "-o", "remount,size=16m", str(tiny_disk)], capture_output=True)
    assert r.returncode == 0, r.stderr
    resumed = subprocess.run([*cmd, "--resume"], env=env, capture_output=True, text=True,
                             timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    names = Counter(Path(r["source"]).name for r in read_records(out))
    assert names == Counter(f"{n:03d}.html" for n in range(n_pages))
    assert json.loads((out / "_SUCCESS").read_text())["records"] == n_pages


# --------------------------------------------------------------------------------------------
# kill -9 mid-run, then --resume


def _clean_cmd(inp: Path, out: Path, model: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "pagesieve.batch", "clean", str(inp), "-o", str(out),
            "--workers", "2", "--shard-size", "8", "--model", str(model), *extra]


def _first_shard_done(proc: subprocess.Popen[Any], out: Path) -> Path:
    """Wait until the run in `proc` has finished its first shard (and still runs): the
    moment to stop it midway. Returns the folder of its markers."""
    done_dir = out / "_state" / "done"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if done_dir.is_dir() and any(p.name.endswith("-00000.json") for p in done_dir.iterdir()):
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the run finished before it could be stopped"
    return done_dir


def test_kill_9_mid_run_then_resume_gives_every_page_exactly_once(
    tmp_path: Path, model_path: Path
) -> None:
    psutil = pytest.importorskip("psutil")
    n_html, n_jsonl, n_warc = 90, 90, 12
    inp = make_inputs(tmp_path, n_html=n_html, n_jsonl=n_jsonl, n_warc=n_warc)
    total = (n_html + 1) + (n_jsonl + 1) + (n_warc - 1)  # + note.txt, + "jt", - the cut record
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    log = (tmp_path / "run1.log").open("wb")
    proc = subprocess.Popen(_clean_cmd(inp, out, model_path), stdout=log, stderr=log, env=env)
    done_dir = _first_shard_done(proc, out)
    family = psutil.Process(proc.pid).children(recursive=True)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    # no orphans keep writing: the workers die with the run
    _gone, alive = psutil.wait_procs(family, timeout=15)
    assert not alive
    assert not (out / "_SUCCESS").exists()
    # what is visible is whole: every part file parses to the end
    partial = read_records(out)
    markers = [p for p in done_dir.iterdir() if not p.name.endswith(".unit.json")]
    assert 0 < len(partial) < total and markers

    resumed = subprocess.run(_clean_cmd(inp, out, model_path, "--resume"), env=env,
                             capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert "finished by an earlier run" in resumed.stderr
    assert "\x1b[" not in resumed.stderr  # no progress bar when stderr is not a terminal
    records = read_records(out)
    counts = Counter(key(r) for r in records)
    assert max(counts.values()) == 1
    assert len(records) == total
    summary = json.loads((out / "_SUCCESS").read_text())
    assert summary["records"] == len(records) and summary["shards_resumed"] >= 1
    rejects = read_jsonl(out / "_rejects.jsonl")
    assert len(rejects) == summary["rejects"] == 3
    assert len({(r["source"], r["offset"]) for r in rejects}) == 3

    # and byte for byte what an uninterrupted run writes
    fresh = tmp_path / "fresh"
    subprocess.run(_clean_cmd(inp, fresh, model_path), env=env, check=True,
                   capture_output=True, timeout=300)
    assert sorted(p.name for p in out.glob("part-*")) == sorted(
        p.name for p in fresh.glob("part-*"))
    for p in fresh.glob("part-*"):
        assert (out / p.name).read_bytes() == p.read_bytes(), p.name
    assert (out / "_rejects.jsonl").read_bytes() == (fresh / "_rejects.jsonl").read_bytes()


def test_sigterm_mid_run_stops_like_ctrl_c_then_resume_finishes(
    tmp_path: Path, model_path: Path
) -> None:
    """SIGTERM (a scheduler, `kill`) ends the run as Ctrl-C does: exit 143, one line saying
    what is left, no traceback; it used to kill the process where it stood (a terminal kept
    its cursor hidden). --resume then writes every page exactly once."""
    n_html, n_jsonl, n_warc = 90, 90, 12
    inp = make_inputs(tmp_path, n_html=n_html, n_jsonl=n_jsonl, n_warc=n_warc)
    total = (n_html + 1) + (n_jsonl + 1) + (n_warc - 1)
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    proc = subprocess.Popen(_clean_cmd(inp, out, model_path), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, text=True)
    _first_shard_done(proc, out)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert err.strip().splitlines()[-1].startswith("pagesieve: terminated; finished shards"), err
    assert "Traceback" not in err
    resumed = subprocess.run(_clean_cmd(inp, out, model_path, "--resume"), env=env,
                             capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    records = read_records(out)
    assert len(records) == total and max(Counter(key(r) for r in records).values()) == 1


def test_pagesieve_clean_command_line(tmp_path: Path, model_path: Path) -> None:
    exe = Path(sys.executable).with_name("pagesieve")
    if not exe.exists():
        pytest.skip("the pagesieve console script is not installed")
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "a.html").write_text(page_html(1), encoding="utf-8")
    (inp / "b.jsonl").write_text('{"id": 1, "text": null}\n', encoding="utf-8")
    out = tmp_path / "out"
    res = subprocess.run(
        [str(exe), "clean", str(inp), "-o", str(out), "--workers", "1", "--model",
         str(model_path), "--rejects", str(tmp_path / "rej.jsonl")],
        capture_output=True, text=True, timeout=300,
    )
    assert res.returncode == 0, res.stderr
    assert res.stdout == ""
    assert len(read_records(out)) == 1
    [rej] = read_jsonl(tmp_path / "rej.jsonl")
    assert rej["offset"] == 1 and rej["id"] == 1 and "null" in rej["reason"]


def _assert_imports_leave_out(imports: str, heavy: tuple[str, ...], check: str) -> None:
    """In a fresh interpreter, `imports` must not load any module of `heavy`; `check` then runs
    there too."""
    code = (
        f"import sys, {imports}\n"
        f"heavy = sorted(m for m in {heavy!r} if m in sys.modules)\n"
        "assert not heavy, heavy\n"
        f"{check}\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=120)


def test_parent_imports_no_numerics() -> None:
    """The `clean` parent only coordinates: importing its code must not pull in numpy, scipy or
    the tokenizer (that would delay every run's start; workers import them, preloaded)."""
    _assert_imports_leave_out(
        "pagesieve, pagesieve.cli, pagesieve.batch.cli_commands, pagesieve.batch.runner as r",
        ("numpy", "scipy", "sklearn", "rjieba", "jieba"),
        "assert callable(r.classify_line) and callable(pagesieve.classify_page)",
    )


def test_fork_server_preload_freezes_what_it_loads(model_path: Path) -> None:
    """The fork server imports preload.py alone: it imports what the workers run and loads the
    model with the collector off, then freezes all of it (the workers' collections skip it) and
    turns the collector back on."""
    code = (
        "import gc, sys\n"
        "import pagesieve.batch.preload as p\n"
        "from pagesieve.batch.forkserver import _PRELOAD\n"
        "from pagesieve.model import _load_cached\n"
        "assert _PRELOAD == ['pagesieve.batch.preload']\n"
        "assert all(m in sys.modules for m in p._MODULES)\n"
        "assert _load_cached.cache_info().currsize == 1\n"
        "assert gc.isenabled() and gc.get_freeze_count() > 10_000\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"),
           "PAGESIEVE_PRELOAD_MODEL": str(model_path)}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=120)


def test_console_entry_point_stays_light() -> None:
    """Every `clean` worker re-imports the console script's module (multiprocessing runs the
    main script as __mp_main__): `pagesieve.cli` must not import typer or the app itself. Nor
    the dataclasses of the package's types and limits: `clean` starts its fork server first
    thing, and they would delay it (~8 ms); the package names them all the same."""
    _assert_imports_leave_out(
        "pagesieve.cli",
        ("typer", "click", "pydantic", "rich", "pagesieve.cli_app", "pagesieve.types",
         "pagesieve.limits", "dataclasses"),
        "assert pagesieve.cli.app is sys.modules['pagesieve.cli_app'].app\n"
        "assert pagesieve.LABELS[0] == 'content' and pagesieve.Limits.__name__ == 'Limits'",
    )


def test_clean_entry_point_starts_the_fork_server_only_for_a_fresh_run(
    tmp_path: Path, model_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pagesieve import cli
    from pagesieve.batch import forkserver

    started: list[str] = []
    monkeypatch.setattr(forkserver, "start", lambda path: started.append(os.fspath(path)))
    other = tmp_path / "other.joblib"
    other.write_bytes(b"")
    done = tmp_path / "done"
    done.mkdir()
    (done / "_SUCCESS").write_text("{}", encoding="utf-8")
    default = [os.fspath(default_model_path())]
    for args, want in [
        (["in", "-o", "out"], default),
        (["in", "--outdir=out", "--model", str(other)], [str(other)]),
        (["in", f"--model={other}", "-oout"], [str(other)]),
        (["in", "-o", "out", "--model", str(tmp_path / "missing.joblib")], []),
        (["in", "-o", "out", "--resume"], []),  # may have nothing left to do
        (["in", "-o", str(done)], []),  # an error without --resume
        (["in"], []),  # no output folder: a usage error
        (["--help"], []),
        (["in", "-o", "out", "--", "--model", str(other)], default),
    ]:
        started.clear()
        cli._start_clean_workers(args)
        assert started == want, args


def test_a_warc_without_the_batch_extra_is_one_line_before_any_output(
    tmp_path: Path, model_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without fastwarc (the batch extra) a run met the WARC with a traceback, after writing
    its settings, so the same command then asked for --resume: one line and exit 2 first."""
    inp = make_inputs(tmp_path)
    out = tmp_path / "out"
    monkeypatch.setitem(sys.modules, "fastwarc", None)  # what an install without it gives
    monkeypatch.setitem(sys.modules, "fastwarc.warc", None)
    assert clean_command([inp], out, workers=1, model=model_path) == 2
    err = capsys.readouterr().err
    assert "reading WARC files needs fastwarc" in err and "pagesieve[batch]" in err, err
    assert len(err.strip().splitlines()) == 1, err
    assert not out.exists() or not any(out.iterdir())
    # a folder of pages only does not need it
    pages = tmp_path / "pages-only"
    pages.mkdir()
    (pages / "a.html").write_text(page_html(1), encoding="utf-8")
    assert clean_command([pages], tmp_path / "out2", workers=1, model=model_path) == 0
    monkeypatch.undo()
    assert clean_command([inp], out, workers=1, model=model_path) == 0
