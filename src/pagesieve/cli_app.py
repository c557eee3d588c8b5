"""The `pagesieve` command: a thin shell over `classify_page` and the batch, train and serve parts.

Every deliberate error is one line on stderr and a non-zero exit code, never a traceback.
Started through cli.py, which imports this module (typer, click, rich) only when it runs.
"""

from __future__ import annotations

import contextlib
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from .errors import EXIT_MODEL, LimitExceeded, PagesieveError
from .types import record_json

__all__ = ["app", "main"]

_HELP_OPTIONS = {"help_option_names": ["-h", "--help"]}

app = typer.Typer(
    name="pagesieve",
    help="Label every block of a crawled page: content, comment, related, ad or boilerplate.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings=_HELP_OPTIONS,
)
model_app = typer.Typer(help="Inspect and export models.", no_args_is_help=True,
                        context_settings=_HELP_OPTIONS)
app.add_typer(model_app, name="model")


def _print_version(value: bool) -> None:
    if value:
        from . import __version__

        typer.echo(f"pagesieve {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True,
                     help="Print the version and exit."),
    ] = False,
) -> None:
    """Label every block of a crawled page: content, comment, related, ad or boilerplate."""
    from .tokenize import tokenizer_choice

    try:  # every command segments words, in this process or its workers: say it once, first
        tokenizer_choice()
    except ValueError as exc:
        raise fail(str(exc)) from None

EXIT_INPUT = 2


class Format(StrEnum):
    json = "json"
    table = "table"
    text = "text"


ModelOpt = Annotated[
    Path | None,
    typer.Option(
        "--model", help="Model file (default: $PAGESIEVE_MODEL or models/pagesieve.joblib)."
    ),
]


def fail(message: str, code: int = EXIT_INPUT) -> typer.Exit:
    """Print a one-line error and return the Exit to raise."""
    typer.echo(f"pagesieve: error: {message}", err=True)
    return typer.Exit(code)


def _time_limit(seconds: float) -> contextlib.AbstractContextManager[None]:
    """Interrupt the page after `seconds` (the CLI owns its process and main thread, so unlike
    the library it can stop a stage midway)."""
    from .limits import time_limit

    return time_limit(
        seconds,
        lambda: LimitExceeded(
            f"time limit: the page took longer than {seconds:g}s (PAGESIEVE_MAX_SECONDS)"
        ),
    )


def _exit_code(exc: Exception) -> int:
    from .errors import ModelError

    return EXIT_MODEL if isinstance(exc, ModelError) else EXIT_INPUT


@app.command()
def classify(
    file: Annotated[str, typer.Argument(help="An .html/.htm/.txt file, or - for stdin.")] = "-",
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="json, table or text.")
    ] = Format.json,
    keep: Annotated[
        str, typer.Option(help="Labels kept in the text, comma-separated.")
    ] = "content",
    kind: Annotated[str, typer.Option(
        help="auto, html or text. auto: by the file's suffix (.html/.htm, .txt) as `clean` "
             "reads files, else from the bytes.")] = "auto",
    model: ModelOpt = None,
) -> None:
    """Classify one page and print its blocks (json, a coloured table) or its kept text."""
    from .classify import classify_page
    from .limits import Limits
    from .model import load_model

    if kind not in ("auto", "html", "text"):
        raise fail(f"--kind must be auto, html or text, not {kind!r}")
    try:
        if file == "-":
            if sys.stdin is None:  # started with stdin closed (`<&-`)
                raise fail("stdin is closed; give a FILE or pipe a page in")
            data = sys.stdin.buffer.read()
            source = "-"
        else:
            path = Path(file)
            if not file.strip():  # Path("") is the current folder
                raise fail("the FILE argument is empty; give a file, or - for stdin")
            if not path.exists():
                raise fail(f"no such file: {file}")
            if path.is_dir():
                raise fail(f"{file} is a folder; use `pagesieve clean` for folders")
            from .batch.sources import input_kind

            if (container := input_kind(file)) in ("jsonl", "warc"):  # many pages, not one
                raise fail(f"{file} is a {container.upper()} file of many pages; use "
                           f"`pagesieve clean {file} -o OUTDIR`")
            data = path.read_bytes()
            source = file
            if kind == "auto":  # by its suffix, as `clean` reads it: the same file, the same page
                kind = str(container or "auto")
        limits = Limits.from_env()
        page_model = load_model(model)  # before the clock starts: the limit is per page
        with _time_limit(limits.max_seconds):
            result = classify_page(
                data, kind=kind, source=source, keep=keep, model=page_model, limits=limits  # type: ignore[arg-type]
            )
    except (PagesieveError, ValueError, OSError) as exc:
        raise fail(
            str(exc).splitlines()[0] if str(exc) else type(exc).__name__, _exit_code(exc)
        ) from None
    if fmt is Format.json:
        typer.echo(record_json(result.to_dict(), indent=2))  # escapes lone surrogates
    elif fmt is Format.text:
        typer.echo(result.text)
    else:
        from .render import print_table

        print_table(result)


@app.command()
def clean(
    inputs: Annotated[
        list[Path], typer.Argument(help="Files or folders: .html .htm .txt .jsonl[.gz] .warc[.gz]")
    ],
    outdir: Annotated[Path, typer.Option("-o", "--outdir", help="Folder for the JSONL shards.")],
    blocks: Annotated[
        bool, typer.Option("--blocks", help="Include every block in the records.")
    ] = False,
    keep: Annotated[str, typer.Option(help="Labels kept in `text`, comma-separated.")] = "content",
    workers: Annotated[
        int | None, typer.Option(help="Worker processes (default: all cores; at most 4 a core).")
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Skip finished shards of an earlier run.")
    ] = False,
    rejects: Annotated[
        Path | None, typer.Option(help="Rejects file (default: OUTDIR/_rejects.jsonl).")
    ] = None,
    shard_size: Annotated[
        int, typer.Option("--shard-size", help="Pages per output shard (the unit of --resume).")
    ] = 2000,
    max_seconds: Annotated[
        float | None,
        typer.Option(
            "--max-seconds", help="Per-page time limit (default $PAGESIEVE_MAX_SECONDS or 30)."
        ),
    ] = None,
    gzip: Annotated[bool, typer.Option("--gzip", help="Write .jsonl.gz shards.")] = False,
    model: ModelOpt = None,
) -> None:
    """Clean many pages into JSONL shards, one record a page; bad records go to the rejects file."""
    try:
        from .batch.cli_commands import clean_command
    except ImportError as exc:
        raise fail(
            f"batch support is not installed ({exc}); pip install 'pagesieve[batch]'"
        ) from None
    code = clean_command(
        inputs=inputs,
        outdir=outdir,
        blocks=blocks,
        keep=keep,
        workers=workers,
        resume=resume,
        rejects=rejects,
        model=model,
        gzip=gzip,
        shard_size=shard_size,
        max_seconds=max_seconds,
    )
    if code == 130:  # clean_command has said what an interrupted run leaves
        _said_interrupted()
    raise typer.Exit(code)


@app.command()
def spark(
    inputs: Annotated[list[str], typer.Argument(help="Input paths or URIs (file:, s3a:, hdfs:).")],
    outdir: Annotated[str, typer.Option("-o", "--outdir", help="Output folder or URI.")],
    master: Annotated[
        str | None,
        typer.Option(
            help="Spark master URL, e.g. local[2] (default: spark-submit's, or local[*])."
        ),
    ] = None,
    blocks: Annotated[bool, typer.Option("--blocks", help="Include every block.")] = False,
    keep: Annotated[str, typer.Option(help="Labels kept in `text`, comma-separated.")] = "content",
    model: ModelOpt = None,
    rejects: Annotated[
        str | None,
        typer.Option(help="Local rejects file (default: OUTDIR/_rejects, a folder as Spark "
                          "writes it)."),
    ] = None,
    gzip: Annotated[bool, typer.Option("--gzip", help="gzip the part files.")] = False,
    partitions: Annotated[int | None, typer.Option(help="Repartition pages to N tasks.")] = None,
    model_on_executors: Annotated[
        bool,
        typer.Option(
            "--model-on-executors",
            help="Load --model from its path on each executor instead of broadcasting it.",
        ),
    ] = False,
) -> None:
    """Run the same cleaning as `clean` on a Spark cluster (pyspark extra)."""
    try:
        from .spark_job import spark_command
    except ImportError as exc:
        raise fail(
            f"Spark support is not installed ({exc}); pip install 'pagesieve[spark]'"
        ) from None
    raise typer.Exit(
        spark_command(
            inputs=inputs,
            outdir=outdir,
            master=master,
            blocks=blocks,
            keep=keep,
            model=model,
            rejects=rejects,
            gzip=gzip,
            partitions=partitions,
            model_on_executors=model_on_executors,
        )
    )


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to bind.")] = 8000,
    workers: Annotated[int, typer.Option(help="uvicorn worker processes.")] = 1,
    model: ModelOpt = None,
    database_url: Annotated[
        str | None,
        typer.Option(help="Feedback database (default: $PAGESIEVE_DATABASE_URL or SQLite)."),
    ] = None,
    max_body_bytes: Annotated[int, typer.Option(help="Largest request body accepted.")] = 10
    * 1024
    * 1024,
    review_dir: Annotated[
        Path | None, typer.Option(help="A `clean` output folder for the review queue.")
    ] = None,
) -> None:
    """Serve the HTTP API and the moderation page (serve extra)."""
    try:
        from .service.cli_commands import serve_command
    except ImportError as exc:
        raise fail(
            f"the service is not installed ({exc}); pip install 'pagesieve[serve]'"
        ) from None
    raise typer.Exit(
        serve_command(
            host=host,
            port=port,
            workers=workers,
            model=model,
            database_url=database_url,
            max_body_bytes=max_body_bytes,
            review_dir=review_dir,
        )
    )


@app.command()
def train(
    shared: Annotated[Path, typer.Option(help="The shared data folder.")] = Path("../shared/data"),
    out: Annotated[Path, typer.Option("-o", "--out", help="Where to write the model.")] = Path(
        "models/pagesieve.joblib"
    ),
    seed: Annotated[
        int, typer.Option(help="Random seed (fixed seeds make `make model` reproducible).")
    ] = 0,
    feedback: Annotated[
        bool,
        typer.Option("--feedback", help="Fold moderators' corrections into the training data."),
    ] = False,
    database_url: Annotated[
        str | None, typer.Option(help="Feedback database for --feedback.")
    ] = None,
    annotations: Annotated[
        Path | None, typer.Option(help="Block annotations folder (default: data/annotations).")
    ] = None,
    report: Annotated[Path | None, typer.Option(help="Write the evaluation report here.")] = None,
) -> None:
    """Train the model from ../shared/data (and corrections), write it with its manifest."""
    from .train import train_command

    try:
        code = train_command(
            shared=shared,
            out=out,
            seed=seed,
            feedback=feedback,
            database_url=database_url,
            annotations=annotations,
            report=report,
        )
    except (PagesieveError, OSError, ValueError) as exc:
        raise fail(str(exc)) from None
    raise typer.Exit(code)


@app.command()
def evaluate(
    path: Annotated[
        Path | None,
        typer.Argument(
            help="Folder of pages with gold text or annotations (default: "
            "$PAGESIEVE_SHARED/data, else ../shared/data from the working folder)."
        ),
    ] = None,
    model: ModelOpt = None,
    peers: Annotated[
        bool, typer.Option("--peers/--no-peers", help="Also run the peer extractors.")
    ] = True,
    report: Annotated[
        Path | None,
        typer.Option(help="Write the report here: a .json file (the .md beside it) or a "
                          "folder (default: reports/evaluation.json in the working folder)."),
    ] = None,
    annotations: Annotated[
        Path | None,
        typer.Option(help="Folder of block annotations (default: PATH/annotations, else the "
                          "repo's data/annotations)."),
    ] = None,
) -> None:
    """Evaluate main-content ROUGE-1 and per-label F1, against the peers, split by site."""
    try:
        from .evaluate import evaluate_command
    except ImportError as exc:
        raise fail(f"evaluation support is missing ({exc})") from None
    try:
        code = evaluate_command(path=path, model=model, peers=peers, report=report,
                                annotations=annotations)
    except (PagesieveError, OSError, ValueError) as exc:
        raise fail(str(exc)) from None
    raise typer.Exit(code)


@model_app.command("info")
def model_info(
    path: Annotated[
        Path | None,
        typer.Argument(help="Model file: .joblib, .skops or .onnx (default: --model's default)."),
    ] = None,
    model: ModelOpt = None,
) -> None:
    """Check a model (manifest, sha256, versions), load it and print its manifest (and, on
    stderr, which file that was: the default may be a checkout's or an install's)."""
    from .model import default_model_path, load_model

    where = path or model or default_model_path()
    try:
        m = load_model(where)
    except PagesieveError as exc:
        raise fail(str(exc), EXIT_MODEL) from None
    typer.echo(f"model {Path(where).resolve()}: manifest and sha256 checked", err=True)
    typer.echo(json.dumps(m.manifest, ensure_ascii=False, indent=2))


class ExportFormat(StrEnum):
    skops = "skops"
    onnx = "onnx"


@model_app.command("export")
def model_export(
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="skops or onnx.")],
    out: Annotated[
        Path, typer.Option("-o", "--out", help="Output file (.skops or .onnx); manifest beside.")
    ],
    model: ModelOpt = None,
) -> None:
    """Export the (hash-checked) model to a format that loads without pickle: skops or ONNX."""
    from .export import export_model
    from .model import load_model

    try:
        manifest = export_model(load_model(model), out, fmt.value)
    except ImportError as exc:
        raise fail(
            f"export support is not installed ({exc}); pip install 'pagesieve[export]'"
        ) from None
    except PagesieveError as exc:
        raise fail(str(exc), EXIT_MODEL) from None
    except (OSError, ValueError) as exc:  # the output path: a usage error
        raise fail(str(exc)) from None
    typer.echo(f"wrote {out} ({fmt.value}, sha256 {manifest['sha256'][:12]}…)")


_INTERRUPT_SAID = False


def _said_interrupted() -> None:
    global _INTERRUPT_SAID
    _INTERRUPT_SAID = True


def main(argv: list[str] | None = None) -> Any:
    """Console-script entry point.

    Click's own errors (a bad option value, a missing argument, an unknown command) are one
    line too, as this module's are: they were a boxed usage message over six lines."""
    try:
        code = app(args=argv, standalone_mode=False)
    except typer.TyperException as exc:  # click's errors (typer carries its own click)
        kinds = {c.__name__ for c in type(exc).__mro__}
        ctx = getattr(exc, "ctx", None)
        if "NoArgsIsHelpError" in kinds and ctx is not None:  # `pagesieve`, `pagesieve model`
            typer.echo(ctx.get_help())
        else:
            message = " ".join(exc.format_message().split())
            if "UsageError" in kinds and ctx is not None:
                message += f" (`{ctx.command_path} -h` for help)"
            typer.echo(f"pagesieve: error: {message}", err=True)
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo("pagesieve: aborted", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        typer.echo("pagesieve: interrupted", err=True)
        sys.exit(130)
    # typer turns a Ctrl-C it catches (while parsing the arguments or importing a command's
    # modules) into exit 130 without a word; a command that handled it has said so
    if code == 130 and not _INTERRUPT_SAID:
        typer.echo("pagesieve: interrupted", err=True)
    sys.exit(code if isinstance(code, int) else 0)
