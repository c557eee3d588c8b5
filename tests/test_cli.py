from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "data" / "demo-page.html"


def run(
    *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "pagesieve", *args],
        input=stdin,
        capture_output=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


def test_classify_json_demo_page_has_every_label() -> None:
    proc = run("classify", str(DEMO), "--format", "json")
    assert proc.returncode == 0, proc.stderr.decode()
    rec = json.loads(proc.stdout)
    assert rec["kind"] == "html" and rec["encoding"] == "utf-8"
    assert {"source", "kind", "encoding", "quality", "spam", "text", "blocks"} <= rec.keys()
    labels = {b["label"] for b in rec["blocks"]}
    assert labels == {"content", "comment", "related", "ad", "boilerplate"}
    for b in rec["blocks"]:
        assert b["xpath"].startswith("/html")
        assert 0.0 <= b["score"] <= 1.0 and abs(sum(b["scores"].values()) - 1) < 1e-3
        assert b["junk"] == (b["label"] in ("related", "ad", "boilerplate"))
    assert "旧书市场" in rec["text"] and "加微信" not in rec["text"]
    assert "这段脚本文字" not in proc.stdout.decode()


def test_classify_stdin_text_and_table() -> None:
    page = (
        "城南旧书市重新开张\n\n"
        "经过半年的改造,旧书市场重新开门迎客,两天接待读者一万多人次。\n\n"
        "联系我们"
    )
    proc = run("classify", "-", "--format", "text", stdin=page.encode("gb18030"))
    assert proc.returncode == 0, proc.stderr.decode()
    assert "旧书市场" in proc.stdout.decode()
    proc = run("classify", str(DEMO), "--format", "table")
    assert proc.returncode == 0 and b"content" in proc.stdout


def test_an_unknown_tokenizer_is_a_usage_error_for_every_command(tmp_path: Path) -> None:
    env = {"PAGESIEVE_TOKENIZER": "jeiba"}
    for args in (("classify", str(DEMO)), ("clean", str(DEMO), "-o", str(tmp_path / "out"))):
        proc = run(*args, env=env)
        assert proc.returncode == 2, proc.stderr.decode()
        assert proc.stderr.decode().strip() == (
            "pagesieve: error: PAGESIEVE_TOKENIZER must be jieba or rjieba (unset: the "
            "compiled segmenter), not 'jeiba'")
    assert not (tmp_path / "out").exists()


def test_empty_input_gives_zero_blocks() -> None:
    for data in (b"", b"   \n\t ", b"<html></html>"):
        proc = run("classify", "-", stdin=data)
        assert proc.returncode == 0, proc.stderr.decode()
        assert json.loads(proc.stdout)["blocks"] == []


def test_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    proc = run("classify", str(tmp_path / "missing.html"))
    assert proc.returncode == 2
    err = proc.stderr.decode().strip()
    assert err.startswith("pagesieve: error:") and "no such file" in err and "\n" not in err

    proc = run("classify", "-", stdin=b"%PDF-1.7\n" + bytes(range(256)) * 40)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr.decode() and proc.stderr.decode().count("\n") == 1

    proc = run("classify", str(DEMO), "--keep", "content,bogus")
    assert proc.returncode == 2 and b"unknown label" in proc.stderr

    proc = run("classify", "")  # not "the current folder"
    assert proc.returncode == 2 and b"the FILE argument is empty" in proc.stderr


def test_tampered_model_is_refused(tmp_path: Path) -> None:
    model = REPO / "models" / "pagesieve.joblib"
    bad = tmp_path / "pagesieve.joblib"
    data = bytearray(model.read_bytes())
    data[100] ^= 0x01
    bad.write_bytes(bytes(data))
    (tmp_path / "pagesieve.manifest.json").write_bytes(
        (REPO / "models" / "pagesieve.manifest.json").read_bytes()
    )
    for proc in (
        run("classify", str(DEMO), "--model", str(bad)),
        run("classify", str(DEMO), env={"PAGESIEVE_MODEL": str(bad)}),
    ):
        assert proc.returncode == 3
        err = proc.stderr.decode()
        assert "does not match its manifest" in err and "Traceback" not in err


def test_model_export_and_info(tmp_path: Path) -> None:
    for fmt in ("skops", "onnx"):
        out = tmp_path / f"pagesieve.{fmt}"
        proc = run("model", "export", "--format", fmt, "-o", str(out))
        assert proc.returncode == 0, proc.stderr.decode()
        assert out.is_file() and f"wrote {out}" in proc.stdout.decode()
    proc = run("model", "info", str(tmp_path / "pagesieve.onnx"))
    assert proc.returncode == 0, proc.stderr.decode()
    onnx = tmp_path / "pagesieve.onnx"
    assert proc.stderr.decode() == f"model {onnx}: manifest and sha256 checked\n"
    info = json.loads(proc.stdout)
    default = run("model", "info", env={"PAGESIEVE_MODEL": ""})  # which file: it did not say
    assert default.stderr.decode().startswith(f"model {REPO / 'models' / 'pagesieve.joblib'}: ")
    assert info["serialization"] == "onnx" and info["model_file"] == "pagesieve.onnx"
    shipped = json.loads((REPO / "models" / "pagesieve.manifest.json").read_text())
    assert info["exported_from"]["sha256"] == shipped["sha256"]
    want = json.loads(run("classify", str(DEMO)).stdout)
    skops = tmp_path / "pagesieve.skops"
    got = json.loads(run("classify", str(DEMO), "--model", str(skops)).stdout)
    assert [b["label"] for b in got["blocks"]] == [b["label"] for b in want["blocks"]]
    proc = run("model", "export", "--format", "onnx", "-o", str(tmp_path / "x.skops"))
    assert proc.returncode == 2 and b"must end in .onnx" in proc.stderr
    (tmp_path / "pagesieve.skops").write_bytes(b"PK junk")
    proc = run("model", "info", str(tmp_path / "pagesieve.skops"))
    assert proc.returncode == 3 and b"does not match its manifest" in proc.stderr


def test_closed_stdin_is_a_usage_error() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pagesieve", "classify", "-"],
        capture_output=True, preexec_fn=lambda: os.close(0), timeout=300,  # `<&-`
    )
    assert proc.returncode == 2
    err = proc.stderr.decode()
    assert err.startswith("pagesieve: error: stdin is closed") and err.count("\n") == 1


def test_keep_naming_no_label_is_a_usage_error(tmp_path: Path) -> None:
    """Like the API's "keep must name at least one label" (422), for classify and clean."""
    proc = run("classify", str(DEMO), "--keep", ",")
    assert proc.returncode == 2 and proc.stdout == b""
    err = proc.stderr.decode()
    assert "at least one label" in err and err.count("\n") == 1
    out = tmp_path / "out"
    proc = run("clean", str(DEMO), "-o", str(out), "--keep", " , ", "--workers", "1")
    assert proc.returncode == 2 and "at least one label" in proc.stderr.decode()
    assert "Traceback" not in proc.stderr.decode() and not list(out.glob("part-*"))


def test_classify_points_a_container_of_many_pages_to_clean(tmp_path: Path) -> None:
    """A JSONL or WARC file is many pages: `classify` would read the container as one page."""
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"id": 1, "text": "今天天气很好。"}\n', encoding="utf-8")
    for path in (feed, tmp_path / "crawl.warc.gz"):
        path.touch()
        proc = run("classify", str(path))
        err = proc.stderr.decode()
        assert proc.returncode == 2 and proc.stdout == b"", err
        assert f"use `pagesieve clean {path} -o OUTDIR`" in err and err.count("\n") == 1


def test_classify_reads_a_file_by_its_suffix_as_clean_does(tmp_path: Path) -> None:
    """Markup saved as .txt is text, plain text saved as .html is HTML, for both commands (the
    same bytes give the same page); --kind still overrides, stdin is still sniffed."""
    inp = tmp_path / "in"
    inp.mkdir()
    markup = "<p>今天北京天气晴朗，气温适中，适合外出散步。</p><div>市民来到公园踏青。</div>"
    (inp / "markup.txt").write_text(markup, encoding="utf-8")
    (inp / "plain.html").write_text("第一段文字在这里。\n\n第二段文字也在这里。\n",
                                    encoding="utf-8")
    out = tmp_path / "out"
    proc = run("clean", str(inp), "-o", str(out), "--workers", "1", "--blocks")
    assert proc.returncode == 0, proc.stderr.decode()
    cleaned = {Path(r["source"]).name: r for f in sorted(out.glob("part-*.jsonl"))
               for r in map(json.loads, f.read_text(encoding="utf-8").splitlines())}
    for name, kind in (("markup.txt", "text"), ("plain.html", "html")):
        proc = run("classify", str(inp / name))
        assert proc.returncode == 0, proc.stderr.decode()
        rec = json.loads(proc.stdout)
        assert rec["kind"] == cleaned[name]["kind"] == kind
        assert rec["text"] == cleaned[name]["text"]
        assert [b["text"] for b in rec["blocks"]] == [b["text"] for b in cleaned[name]["blocks"]]
    assert "<p>" in json.loads(run("classify", str(inp / "markup.txt")).stdout)["text"]
    proc = run("classify", str(inp / "markup.txt"), "--kind", "html")
    assert json.loads(proc.stdout)["kind"] == "html"
    proc = run("classify", "-", stdin=markup.encode())
    assert json.loads(proc.stdout)["kind"] == "html"


def test_a_ctrl_c_typer_swallows_is_still_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """typer ends a Ctrl-C that reaches it (while it parses arguments or a command imports its
    modules) with exit 130 and no word; the CLI says it was interrupted."""
    from pagesieve import cli_app
    from pagesieve.batch import cli_commands

    def interrupted(**_: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_commands, "clean_command", interrupted)
    monkeypatch.setattr(cli_app, "_INTERRUPT_SAID", False)
    page = tmp_path / "a.txt"
    page.write_text("一段正文。", encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        cli_app.main(["clean", str(page), "-o", str(tmp_path / "out")])
    assert exc.value.code == 130
    assert capsys.readouterr().err.strip() == "pagesieve: interrupted"


def test_the_fork_server_is_spawned_with_ctrl_c_held(monkeypatch: pytest.MonkeyPatch) -> None:
    """A held SIGINT stays held across exec: the fork server, spawned with it held, cannot be
    interrupted in its imports (a Ctrl-C there printed their traceback), while this process
    gets a Ctrl-C of those milliseconds once the spawn is done (it used to be ignored there,
    and so lost: the run went on)."""
    import signal
    import threading
    from multiprocessing import forkserver as mp_forkserver

    from pagesieve.batch import forkserver

    if forkserver.mp_context().get_start_method() != "forkserver":
        pytest.skip("no fork server on this platform")
    probe = "import signal; print(signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, []))"
    seen: list[str] = []

    def spawn() -> None:  # what the fork server's start inherits, in its place
        proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
        seen.append(proc.stdout.strip())
        # a Ctrl-C while the fork server starts (sent to this thread, which holds it)
        signal.pthread_kill(threading.get_ident(), signal.SIGINT)

    monkeypatch.setattr(mp_forkserver, "ensure_running", spawn)
    # Python's own Ctrl-C handler, whatever this run inherited: a test run started in the
    # background of a script (`make test &`) starts with SIGINT ignored, and an ignored signal
    # is dropped, held or not
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            forkserver.start(REPO / "models" / "pagesieve.joblib")
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        signal.signal(signal.SIGINT, before)
    outside = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert (seen, outside.stdout.strip()) == (["True"], "False")


def test_json_output_stays_utf8_for_a_file_name_in_gbk(tmp_path: Path) -> None:
    """A file name that is not UTF-8 reaches Python as lone surrogates; the JSON escapes them
    (as `clean` writes them) instead of writing bytes that are not UTF-8."""
    name = os.fsencode(tmp_path) + b"/" + "新闻".encode("gbk") + b".html"
    with open(name, "wb") as fh:
        fh.write(DEMO.read_bytes())
    proc = subprocess.run([sys.executable, "-m", "pagesieve", "classify", os.fsdecode(name)],
                          capture_output=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    rec = json.loads(proc.stdout.decode("utf-8"))  # strict: raises on bytes that are not UTF-8
    assert rec["source"] == os.fsdecode(name) and rec["blocks"]


def test_version_and_short_help() -> None:
    from pagesieve import __version__

    proc = run("--version")
    assert proc.returncode == 0 and proc.stdout.decode().strip() == f"pagesieve {__version__}"
    for args in (("-h",), ("clean", "-h"), ("model", "export", "-h")):
        proc = run(*args)
        assert proc.returncode == 0 and b"Usage: " in proc.stdout, args


def test_usage_errors_are_one_line_like_every_other_error() -> None:
    """Click's own errors were a boxed usage message over six lines."""
    cases = {
        ("classify", str(DEMO), "--format", "xml"): "Invalid value for '--format' / '-f'",
        ("clean", str(DEMO)): "Missing option '-o' / '--outdir'. (`",  # `python -m pagesieve
        ("nosuch",): "No such command 'nosuch'. (`",                  # clean -h` as it was run
        ("classify", "--bogus"): "No such option: --bogus",
    }
    for args, said in cases.items():
        proc = run(*args)
        err = proc.stderr.decode()
        assert proc.returncode == 2, (args, err)
        assert err.count("\n") == 1 and err.startswith("pagesieve: error: ") and said in err, err
        assert err.endswith(" -h` for help)\n"), err
    for args in ((), ("model",)):  # a bare command still shows its help
        proc = run(*args)
        assert proc.returncode == 2 and b"Usage: " in proc.stdout and not proc.stderr, args


def test_table_output_into_a_closed_pipe_exits_0_as_json_and_text_do(tmp_path: Path) -> None:
    """`classify -f table | head -1`: rich exits 1 when its reader goes away."""
    page = tmp_path / "long.txt"
    paragraphs = (f"第{i}段：城市的新闻报道，记者今天走访了市场。" for i in range(3000))
    page.write_text("\n\n".join(paragraphs), encoding="utf-8")
    for fmt in ("table", "json", "text"):
        proc = subprocess.Popen([sys.executable, "-m", "pagesieve", "classify", str(page),
                                 "-f", fmt], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.readline()
        proc.stdout.close()  # the output is far over a pipe's buffer: the writer hits EPIPE
        err = proc.stderr.read()
        assert proc.wait(timeout=300) == 0, (fmt, err)
