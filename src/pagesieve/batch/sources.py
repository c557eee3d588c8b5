"""Batch inputs: files, folders, JSONL and WARC turned into a stream of pages.

Readers never raise for bad data. A record that cannot become a page is yielded as a `Reject`
(source, offset, reason) and a record that is not a page at all (a WARC request, a redirect, an
image) as a `Skipped`, so the runner can count both, write the rejects, and go on. The stream of
one input is deterministic, which is what lets the runner cut it into resumable shards.

Offsets: JSONL — the 1-based line number; WARC — the byte offset of the record in the file as
stored (compressed offset for ``.warc.gz``); loose page files — 0.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import os
import re
import stat
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any, Literal

from ..decode import dechunk
from ..limits import DEFAULT_LIMITS, Limits

__all__ = [
    "PAGE_SUFFIXES",
    "InputUnit",
    "Item",
    "Reject",
    "Skipped",
    "SourceRecord",
    "discover",
    "input_kind",
    "iter_jsonl",
    "iter_page_file",
    "iter_unit",
    "iter_warc",
    "warc_reader_missing",
]

PageKind = Literal["auto", "html", "text"]
UnitKind = Literal["pages", "jsonl", "warc", "unsupported", "unlisted"]

#: Loose page files and the kind they are read as.
PAGE_SUFFIXES: dict[str, PageKind] = {".html": "html", ".htm": "html", ".txt": "text"}
_CONTAINER_SUFFIXES: dict[str, UnitKind] = {
    ".jsonl": "jsonl", ".jsonl.gz": "jsonl", ".warc": "warc", ".warc.gz": "warc",
}
#: HTTP content types read as pages; other non-``text/*`` responses are skipped, not rejected.
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "application/xml", "text/xml"})
_GZIP_MAGIC = b"\x1f\x8b"
#: How the reject of a record the file ends inside begins (the gzip check then adds none).
_CUT_SHORT = "record cut short"
#: The end of one WARC record and the head of the next: found inside a payload, it means the
#: record's Content-Length ran past its end (`_Overrun`).
_NEXT_RECORD = re.compile(rb"(?:\r?\n){2}WARC/1\.[01]\r?\n")
_VERSION_LINE = re.compile(rb"WARC/1\.[01]\r?\n")
_WARC_TYPE = re.compile(rb"\nWARC-Type:", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """One page read from an input, ready for `classify_page`."""

    source: str
    offset: int
    id: Any
    url: str | None
    data: bytes | str
    kind: PageKind
    http_charset: str | None = None
    record_id: str | None = None

    def extra(self) -> dict[str, Any]:
        """The fields that go right after ``source`` in the output record."""
        out: dict[str, Any] = {}
        if self.id is not None:
            out["id"] = self.id
        if self.url is not None:
            out["url"] = self.url
        if self.record_id is not None:
            out["warc_record_id"] = self.record_id
        return out


@dataclass(frozen=True, slots=True)
class Reject:
    """A record that could not become a result: where it was and why."""

    source: str
    offset: int
    reason: str
    id: Any = None
    url: str | None = None
    record_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"source": self.source, "offset": self.offset}
        if self.id is not None:
            out["id"] = self.id
        if self.url is not None:
            out["url"] = self.url
        if self.record_id is not None:
            out["warc_record_id"] = self.record_id
        out["reason"] = self.reason
        return out


@dataclass(frozen=True, slots=True)
class Skipped:
    """A record that is not a page (WARC request/metadata/revisit, HTTP 404, an image)."""

    source: str
    offset: int
    reason: str


Item = SourceRecord | Reject | Skipped


# --------------------------------------------------------------------------------------------
# discovery


@dataclass(frozen=True, slots=True)
class InputUnit:
    """One deterministic stream of items: a container file, or one folder's loose page files.

    `key` names the unit's shards; it is stable for the same path, so a rerun finds them again.
    """

    key: str
    kind: UnitKind
    paths: tuple[str, ...]


def input_kind(path: str) -> UnitKind | PageKind | None:
    """``jsonl``/``warc`` for containers, ``html``/``text`` for loose pages, else None."""
    low = path.lower()
    for suffix, kind in _CONTAINER_SUFFIXES.items():
        if low.endswith(suffix):
            return kind
    return PAGE_SUFFIXES.get(os.path.splitext(low)[1])


def _unit_key(name: str, identity: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._")[:60] or "input"
    digest = hashlib.sha1(identity.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{safe}-{digest}"


def _walk(
    root: str, excluded: frozenset[str] = frozenset(), unlisted: list[str] | None = None
) -> Iterator[str]:
    """Files under `root`, sorted, hidden files and folders left out, and folders whose real
    path is in `excluded` (with all under them); excluded files are left out by `discover`,
    which takes every file's real path anyway. Symlinked folders are followed (a crawl laid
    out with links must not silently yield nothing), each real folder once, so a link back up
    the tree ends the walk instead of looping. Folders that cannot be listed (no permission, a
    path too long) go to `unlisted`: os.walk passes over them without a word."""
    walked = {os.path.realpath(root)}

    def on_error(exc: OSError) -> None:
        if unlisted is not None:
            unlisted.append(exc.filename if isinstance(exc.filename, str) else root)

    for dirpath, dirnames, filenames in os.walk(root, followlinks=True, onerror=on_error):
        keep = []
        for d in sorted(dirnames):
            real = os.path.realpath(os.path.join(dirpath, d))
            if not d.startswith(".") and real not in excluded and real not in walked:
                walked.add(real)
                keep.append(d)
        dirnames[:] = keep
        for name in sorted(filenames):
            if not name.startswith("."):
                yield os.path.join(dirpath, name)


def warc_reader_missing() -> str | None:
    """Why WARC files cannot be read in this install, or None: fastwarc comes with the batch
    extra, and a run that met its first WARC without it stopped with a traceback (leaving an
    output folder the same command then refused)."""
    try:
        import fastwarc.warc  # noqa: F401
    except ImportError as exc:
        return f"reading WARC files needs fastwarc ({exc}); pip install 'pagesieve[batch]'"
    return None


def discover(
    inputs: Sequence[str | os.PathLike[str]],
    *,
    exclude: Sequence[str | os.PathLike[str]] = (),
    ignored: list[str] | None = None,
) -> list[InputUnit]:
    """Expand files and folders into units, in a stable order.

    Folders are walked recursively, through symlinked folders (each real folder once); files
    with other suffixes inside folders are ignored. A file named explicitly with an unknown
    suffix becomes an ``unsupported`` unit (one reject), a folder that cannot be listed an
    ``unlisted`` one (one reject), and a path that does not exist raises
    `FileNotFoundError` before anything runs. Folder walks leave out the paths in `exclude`
    (and all under them): a run's own output folder and rejects file, which must not be read
    back as input, whether they exist yet (a resume) or not (a first run), so that both runs
    see the same inputs. `ignored`, when given, receives the files of other suffixes found in
    folders, so that a run can say it passed over them.
    """
    excluded = frozenset(os.path.realpath(p) for p in exclude)
    units: list[InputUnit] = []
    loose: dict[str, list[str]] = {}
    loose_order: list[str] = []
    seen: set[str] = set()

    def add_file(path: str, explicit: bool) -> None:
        real = os.path.realpath(path)
        if real in seen or (not explicit and real in excluded):
            return
        seen.add(real)
        kind = input_kind(path)
        if kind in ("jsonl", "warc"):
            units.append(InputUnit(_unit_key(os.path.basename(path), real), kind, (path,)))
        elif kind in ("html", "text"):
            folder = os.path.dirname(real)
            if folder not in loose:
                loose[folder] = []
                loose_order.append(folder)
            loose[folder].append(path)
        elif explicit:
            units.append(InputUnit(_unit_key(os.path.basename(path), real), "unsupported", (path,)))
        elif ignored is not None:
            ignored.append(path)

    unlisted: list[str] = []
    for raw in inputs:
        path = os.fspath(raw)
        if os.path.isdir(path):
            for f in _walk(path, excluded, unlisted):
                add_file(f, explicit=False)
        elif os.path.exists(path):
            add_file(path, explicit=True)
        else:
            raise FileNotFoundError(f"input not found: {path}")
    for folder in loose_order:
        name = os.path.basename(folder) or "pages"
        units.append(InputUnit(_unit_key(name, folder + os.sep), "pages", tuple(loose[folder])))
    for folder in dict.fromkeys(unlisted):  # one reject each, where the pages would have been
        name = os.path.basename(folder.rstrip(os.sep)) or "folder"
        units.append(InputUnit(_unit_key(name, folder + os.sep + "?"), "unlisted", (folder,)))
    return units


def iter_unit(
    unit: InputUnit,
    limits: Limits = DEFAULT_LIMITS,
    *,
    opener: Callable[[str], IO[bytes]] | None = None,
) -> Iterator[Item]:
    """Every item of a unit, in order. `opener` reads a path (default: the local file system)."""
    if unit.kind == "pages":
        for path in unit.paths:
            yield from iter_page_file(path, limits, opener=opener)
    elif unit.kind == "jsonl":
        yield from iter_jsonl(unit.paths[0], limits, opener=opener)
    elif unit.kind == "warc":
        yield from iter_warc(unit.paths[0], limits, opener=opener)
    elif unit.kind == "unlisted":
        try:
            with os.scandir(unit.paths[0]):
                why = "could not be listed when the run began"
        except OSError as exc:
            why = f"cannot be listed: {exc.strerror or exc}"
        yield Reject(unit.paths[0], 0, f"folder {why}; the pages in it were not read")
    else:
        yield Reject(
            unit.paths[0], 0,
            "unsupported input type (expected .html/.htm/.txt, .jsonl[.gz] or .warc[.gz])",
        )


def _open(path: str, opener: Callable[[str], IO[bytes]] | None) -> IO[bytes]:
    return opener(path) if opener is not None else _open_regular(path)


class NotRegularFile(OSError):
    """A path that names a FIFO, socket or device rather than a file."""


#: What a non-regular file is, for the reject's reason.
_FILE_TYPES = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"),
               (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


def _open_regular(path: str) -> IO[bytes]:
    """A local file opened for reading, refusing anything that is not a regular file.

    Opening a FIFO blocks until something writes to it (a run over a folder holding one would
    hang), and a device may never end; neither can be re-read for ``--resume``. The open is
    non-blocking so the check itself cannot hang.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            what = next((name for test, name in _FILE_TYPES if test(mode)), "not a file")
            raise NotRegularFile(f"{what}, not a regular file")
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    try:
        return os.fdopen(fd, "rb")
    except BaseException:
        # fdopen closes the descriptor itself when it fails past taking it; closing it again
        # raised EBADF, which replaced a Ctrl-C landing there (the run went on, the page was
        # rejected as unreadable and never redone)
        with contextlib.suppress(OSError):
            os.close(fd)
        raise


def _unreadable(path: str, exc: BaseException) -> str:
    if isinstance(exc, FileNotFoundError):
        return "input vanished before it was read"
    if isinstance(exc, NotRegularFile):
        return f"input is {exc}: save the stream to a file and pass that"
    return f"input unreadable: {exc.__class__.__name__}: {exc}"


# --------------------------------------------------------------------------------------------
# loose page files


def iter_page_file(
    path: str,
    limits: Limits = DEFAULT_LIMITS,
    *,
    opener: Callable[[str], IO[bytes]] | None = None,
) -> Iterator[Item]:
    """One `.html/.htm/.txt` file: one page, or a reject if it is too big or gone."""
    kind = PAGE_SUFFIXES.get(os.path.splitext(path.lower())[1], "auto")
    try:
        with _open(path, opener) as fh:
            data = fh.read(limits.max_bytes + 1)
    except OSError as exc:
        yield Reject(path, 0, _unreadable(path, exc))
        return
    if len(data) > limits.max_bytes:
        yield Reject(path, 0, f"file is over the limit of {limits.max_bytes:,} bytes")
        return
    yield SourceRecord(source=path, offset=0, id=None, url=None, data=data, kind=kind)


# --------------------------------------------------------------------------------------------
# JSONL


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


_DECODER = json.JSONDecoder(parse_constant=_no_constants)
_BOM = b"\xef\xbb\xbf"


_READ_SIZE = 1 << 16


def _lines(fh: IO[bytes], cap: int) -> Iterator[tuple[bytes, bool]]:
    """Each line (without its end) and whether it ran over `cap` bytes; such a line is given as
    b"" and skipped while it is read, so one endless line holds no more than `cap` in memory.

    A line ends in LF, CRLF or a lone CR (old Mac files, some Windows tools): JSON text holds no
    raw CR (in strings it is escaped), so a CR is never part of a record. The ends are found
    with `bytes.find` (memchr), not a regex, which would look at every byte in Python's engine.
    """
    # read1: what one step of the stream gives, so a gzip file cut short loses only the last
    # step's lines before its error, not a whole _READ_SIZE of them
    read = getattr(fh, "read1", fh.read)
    buf = bytearray()
    over = False  # the line being read already ran over cap
    while True:
        chunk = read(_READ_SIZE)
        if not chunk:
            if buf.endswith(b"\r"):  # the last line's end
                yield (b"", True) if over or len(buf) - 1 > cap else (bytes(buf[:-1]), False)
            elif buf or over:
                yield (b"", True) if over or len(buf) > cap else (bytes(buf), False)
            return
        scan = max(len(buf) - 1, 0)  # `buf` holds no line end, bar perhaps a last CR
        buf += chunk
        start = 0
        lf, cr = buf.find(b"\n", scan), buf.find(b"\r", scan)
        while lf >= 0 or cr >= 0:
            if cr < 0 or 0 <= lf < cr:
                end, after = lf, lf + 1
            elif cr + 1 == len(buf):
                break  # a CR at the end of what was read: the LF of a CRLF may follow
            else:
                end, after = cr, cr + 2 if buf[cr + 1] == 10 else cr + 1
            yield (b"", True) if over or end - start > cap else (bytes(buf[start:end]), False)
            over = False
            start = after
            if 0 <= lf < start:
                lf = buf.find(b"\n", start)
            if 0 <= cr < start:
                cr = buf.find(b"\r", start)
        del buf[:start]
        cr_last = buf.endswith(b"\r")  # the end of the line, maybe of a CRLF
        if len(buf) - cr_last > cap:  # no end in sight: drop what was read, keep a last CR
            over = True
            del buf[: len(buf) - cr_last]


def _parse_jsonl_line(source: str, lineno: int, raw: bytes) -> Item | None:
    if raw.startswith(_BOM):
        raw = raw[len(_BOM):]
    if not raw.strip():
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Reject(source, lineno, f"line is not UTF-8 (bad byte at column {exc.start + 1})")
    start = len(text) - len(text.lstrip())
    try:
        obj, end = _DECODER.raw_decode(text, start)
    except json.JSONDecodeError as exc:
        return Reject(source, lineno, f"invalid JSON: {exc.msg} at column {exc.colno}")
    except ValueError as exc:  # NaN / Infinity
        return Reject(source, lineno, f"invalid JSON: {exc}")
    except RecursionError:
        return Reject(source, lineno, "invalid JSON: nested too deeply")
    rest = text[end:].strip()
    if rest:
        if rest[0] in "{[":
            return Reject(source, lineno, "two JSON values on one line (JSONL needs one a line)")
        return Reject(source, lineno, f"invalid JSON: extra data at column {end + 1}")
    if not isinstance(obj, dict):
        return Reject(source, lineno, f"line is {_jtype(obj)}, not a JSON object")
    return _page_from_object(source, lineno, obj)


def _page_from_object(source: str, lineno: int, obj: dict[str, Any]) -> Item:
    pid = obj.get("id")
    url = obj.get("url")
    if pid is not None and (isinstance(pid, bool) or not isinstance(pid, str | int)):
        return Reject(source, lineno, f"`id` must be a string or an integer, not {_jtype(pid)}")
    if url is not None and not isinstance(url, str):
        return Reject(source, lineno, f"`url` must be a string, not {_jtype(url)}", id=pid)
    for field in ("html", "text"):
        value = obj.get(field)
        if isinstance(value, str):
            kind: PageKind = "html" if field == "html" else "text"
            return SourceRecord(source, lineno, pid, url, value, kind)
        if value is not None:
            return Reject(
                source, lineno, f"`{field}` must be a string, not {_jtype(value)}", id=pid, url=url
            )
    present = [f for f in ("html", "text") if f in obj]
    reason = (
        f"`{present[0]}` is null" if present else "no `html` or `text` field"
    )
    return Reject(source, lineno, reason, id=pid, url=url)


def _jtype(value: Any) -> str:
    return {dict: "an object", list: "an array", bool: "a boolean", float: "a number",
            int: "a number"}.get(type(value), type(value).__name__)


def iter_jsonl(
    path: str,
    limits: Limits = DEFAULT_LIMITS,
    *,
    opener: Callable[[str], IO[bytes]] | None = None,
) -> Iterator[Item]:
    """One page a line (`id`, `url`, `html` or `text`); bad lines become rejects."""
    lineno = 0
    try:
        raw_fh = _open(path, opener)
    except OSError as exc:
        yield Reject(path, 0, _unreadable(path, exc))
        return
    with raw_fh:
        fh: IO[bytes] = raw_fh
        if path.lower().endswith(".gz"):
            fh = gzip.GzipFile(fileobj=raw_fh, mode="rb")  # type: ignore[assignment]
        lines = _lines(fh, limits.max_bytes)
        while True:
            try:
                line, too_long = next(lines)
            except StopIteration:
                return
            except gzip.BadGzipFile as exc:  # not gzip at all, or garbage after a member
                where = "" if lineno == 0 else f" after line {lineno}"
                yield Reject(path, lineno + 1, f"not a gzip stream{where} (named .gz): {exc}")
                return
            except (EOFError, OSError, zlib.error) as exc:
                yield Reject(
                    path, lineno + 1,
                    f"compressed stream broken after line {lineno} (file cut?): {exc}",
                )
                return
            lineno += 1
            if too_long:
                yield Reject(path, lineno, f"line is over the limit of {limits.max_bytes:,} bytes")
                continue
            item = _parse_jsonl_line(path, lineno, line)
            if item is not None:
                yield item


# --------------------------------------------------------------------------------------------
# WARC


class _TooBig(Exception):
    pass


def _inflate(data: bytes, cap: int, *, wbits: int) -> bytes:
    """Decompress every member of a zlib/gzip/deflate stream, stopping at `cap` bytes out."""
    out = bytearray()
    rest = data
    while rest:
        d = zlib.decompressobj(wbits)
        chunk = rest
        while chunk:
            out += d.decompress(chunk, cap + 1 - len(out))
            if len(out) > cap:
                raise _TooBig
            chunk = d.unconsumed_tail
        if not d.eof:
            raise zlib.error("compressed payload ends early")
        rest = d.unused_data
        if wbits != 31 or not rest.startswith(_GZIP_MAGIC):
            break
    return bytes(out)


def _unbrotli(data: bytes, cap: int) -> bytes:
    import brotli

    d = brotli.Decompressor()
    out = bytearray(d.process(data, output_buffer_limit=cap + 1))
    while len(out) <= cap and not d.is_finished() and not d.can_accept_more_data():
        out += d.process(b"", output_buffer_limit=cap + 1 - len(out))
    if len(out) > cap:
        raise _TooBig
    if not d.is_finished():  # cut short (its start became a 2-character page), or not brotli
        raise ValueError("brotli payload ends early")
    return bytes(out)


def _decode_payload(body: bytes, headers: Any, cap: int) -> bytes:
    """Undo chunking and Content-Encoding that crawlers left in place, with a bomb cap.

    Headers often describe the wire, not what was stored: a body that does not parse as the
    declared coding is taken as already decoded. A body that *is* gzip but is corrupt, or would
    grow past `cap`, raises (`zlib.error`, `_TooBig`).
    """
    te = (headers.get("Transfer-Encoding") or "").lower() if headers is not None else ""
    ce = (headers.get("Content-Encoding") or "").lower() if headers is not None else ""
    if "chunked" in te:
        plain = dechunk(body)
        if plain is not None:
            body = plain
    codings = [c.strip() for c in ce.split(",") if c.strip() and c.strip() != "identity"]
    if not codings and body.startswith(_GZIP_MAGIC + b"\x08"):
        codings = ["gzip"]  # still gzip-encoded with no header saying so
    for coding in reversed(codings):
        if coding in ("gzip", "x-gzip"):
            if body.startswith(_GZIP_MAGIC):
                body = _inflate(body, cap, wbits=31)
        elif coding == "deflate":
            try:
                body = _inflate(body, cap, wbits=15)
            except zlib.error:
                with contextlib.suppress(zlib.error):  # else not deflate after all: stored decoded
                    body = _inflate(body, cap, wbits=-15)
        elif coding == "br":
            try:
                body = _unbrotli(body, cap)
            except _TooBig:
                raise
            except Exception:  # stored decoded, or cut: left as it is (a cut one reads as binary)
                pass
    return body


_CHARSET_RE = re.compile(r"charset\s*=\s*[\"']?([^\s;\"',]+)", re.IGNORECASE)


def _charset(headers: Any) -> str | None:
    if headers is None:
        return None
    m = _CHARSET_RE.search(headers.get("Content-Type") or "")
    return m.group(1) if m else None


def _gzip_tail_problem(fh: IO[bytes], start: int) -> tuple[int, str, bool] | None:
    """Check the gzip members from `start` to the end.

    The first broken one as (offset, reason, corrupt); `corrupt` is False for a cut-off end.
    """
    fh.seek(start)
    head = fh.read(2)
    if head != _GZIP_MAGIC:
        start = 0  # not a member boundary (one-member file?): check from the top
    fh.seek(start)
    pos = start
    pending = b""
    while True:
        d = zlib.decompressobj(31)
        member = pos
        fed = 0
        while not d.eof:
            chunk = pending or fh.read(1 << 16)
            pending = b""
            if not chunk:
                if fed == 0:
                    return None
                reason = f"gzip member at byte {member:,} is cut short (file truncated?)"
                return member, reason, False
            fed += len(chunk)
            try:
                data = chunk
                while data and not d.eof:
                    d.decompress(data, 1 << 20)
                    data = d.unconsumed_tail
            except zlib.error as exc:
                return member, f"gzip member at byte {member:,} is corrupt: {exc}", True
        pending = d.unused_data
        pos = member + fed - len(pending)
        if not pending:
            pending = fh.read(1 << 16)
            if not pending:
                return None
        if not pending.strip(b"\x00"):
            return None


def _next_member(fh: IO[bytes], after: int) -> int | None:
    """Offset of the next gzip member that starts cleanly after `after` (to read past damage)."""
    pos = after
    while True:
        fh.seek(pos)
        window = fh.read(1 << 20)
        if not window:
            return None
        i = window.find(_GZIP_MAGIC + b"\x08")
        while i >= 0:
            fh.seek(pos + i)
            try:
                zlib.decompressobj(31).decompress(fh.read(1 << 16), 1 << 16)
                return pos + i
            except zlib.error:
                i = window.find(_GZIP_MAGIC + b"\x08", i + 1)
        pos += max(1, len(window) - 2)


@dataclass(frozen=True, slots=True)
class _Overrun:
    """A record after which the reader would lose records: its declared Content-Length ran
    into the records after it (`item` is the record cut at its real end), or junk follows it
    (`_Junk`); reading goes on at `restart`, the next record (None: it cannot be found again,
    as in a file that is one gzip stream)."""

    item: SourceRecord | Reject
    restart: int | None


class _Look:
    """A second handle on the WARC file, for the checks that read around a record: FastWARC
    reads ahead on its own handle, which must never be moved under it (a look-up that did so
    ended the reading of a valid file early). Opened on first use; None if it cannot be."""

    def __init__(
        self, path: str, opener: Callable[[str], IO[bytes]] | None, *, seekable: bool
    ) -> None:
        self._path, self._opener = path, opener
        self._fh: IO[bytes] | None = None
        self._failed = not seekable  # a pipe cannot be opened twice to the same bytes

    def handle(self) -> IO[bytes] | None:
        if self._fh is None and not self._failed:
            try:
                fh = _open(self._path, self._opener)
                if fh.seekable():
                    self._fh = fh
                else:
                    fh.close()
                    self._failed = True
            except OSError:
                self._failed = True
        return self._fh

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()


#: A blank line (CRLF, or LF-only in quirky files): what ends a WARC header block, and what
#: follows a record whose Content-Length is right (then the next record, the end of the file,
#: or junk the reader skips to the next record).
_BLANK_LINE = re.compile(rb"\r?\n\r?\n")


#: What the checks below say of a Content-Length the file bears out.
_RIGHT: Literal["right"] = "right"


@dataclass(frozen=True, slots=True)
class _TruePayload:
    """A record's payload as the file holds it, where its Content-Length is wrong: `data` (None
    when over the size cap), its `length`, and where the next record starts (None: nowhere)."""

    data: bytes | None
    length: int
    restart: int | None


@dataclass(frozen=True, slots=True)
class _Junk:
    """A record whose Content-Length is right, followed by bytes that are not a record: the
    reader would skip them and the record after them; reading goes on at `restart`."""

    restart: int


def _strip_record_end(data: bytes) -> bytes:
    for end in (b"\r\n\r\n", b"\n\n"):
        if data.endswith(end):
            return data[: -len(end)]
    return data


def _plain_true_payload(
    look: _Look, offset: int, declared: int, cap: int
) -> _TruePayload | _Junk | Literal["right"] | None:
    """In an uncompressed WARC: `_RIGHT` when the record's declared Content-Length is right (its
    end is followed by the blank line that ends a record, or by the end of the file), None
    when the file cannot tell; else the payload the file really holds, up to the next record
    head (a Content-Length too long or too short)."""
    fh = look.handle()
    if fh is None:
        return None
    try:
        fh.seek(offset)
        m = _BLANK_LINE.search(fh.read(1 << 16))
        if m is None:
            return None
        start = offset + m.end()
        size = _size(fh)
        fh.seek(start + declared)
        after = fh.read(16)
        closed = _BLANK_LINE.match(after)
        if start + declared <= size and closed is not None:
            if after[closed.end():closed.end() + 5] in (b"WARC/", b""):
                return _RIGHT  # the record's end, then the next record or the end of the file
            # junk before the next record, which the reader would skip with it (lost silently)
            fh.seek(start + declared + closed.end())
            m = _record_head(fh.read(1 << 16), _VERSION_LINE)
            return _RIGHT if m is None else _Junk(start + declared + closed.end() + m.start())
        if start + declared <= size and len(after) < 16 and not after.strip(b"\r\n"):
            return _RIGHT  # the end of the file
        nxt = _record_after(fh, offset)
        if nxt is None and start + declared > size:
            return _RIGHT  # a file cut inside the record: the reader's check says so
        end = nxt if nxt is not None else size
        length = end - start
        if length > cap + 4:
            return _TruePayload(None, length, nxt)
        fh.seek(start)
        data = _strip_record_end(fh.read(length))
    except OSError:
        return None
    return _TruePayload(data, len(data), nxt)


def _member_true_payload(
    look: _Look, offset: int, declared: int, cap: int
) -> _TruePayload | Literal["right"] | None:
    """In a WARC of one gzip member a record: `_RIGHT` when the member at `offset` holds the
    `declared` payload (a payload that only quotes a WARC header), None when there is no
    member there (one gzip stream for the whole file); else the payload it really holds, and
    the next member."""
    fh = look.handle()
    if fh is None:
        return None
    try:
        fh.seek(offset)
        if fh.read(2) != _GZIP_MAGIC:
            return None
        fh.seek(offset)
        d = zlib.decompressobj(31)
        limit = cap + (1 << 16)
        record = b""
        fed = 0  # compressed bytes read from the file
        while not d.eof and len(record) <= limit:
            chunk = d.unconsumed_tail
            if not chunk:
                chunk = fh.read(1 << 16)
                fed += len(chunk)
            if not chunk:
                return None  # cut short: the reader's own check says so
            record += d.decompress(chunk, limit + 1 - len(record))
    except (OSError, zlib.error):
        return None
    m = _BLANK_LINE.search(record)
    if m is None or not d.eof:
        return None
    data = _strip_record_end(record[m.end():])
    if len(data) == declared:
        return _RIGHT
    # the member ends where the inflater stopped: the next one is looked for from there, not
    # from `offset` through the whole member again
    after = offset + fed - len(d.unused_data)
    return _TruePayload(data if len(data) <= cap else None, len(data), _next_member(fh, after))


def _record_head(buf: bytes, head: re.Pattern[bytes] = _NEXT_RECORD) -> re.Match[bytes] | None:
    """The first place in `buf` where a WARC record ends and the head of another begins (the
    version line followed by a ``WARC-Type`` header), or None. `head`: what is looked for,
    the end of a record then a version line, or (`_VERSION_LINE`) a version line alone."""
    if b"WARC/1." not in buf:  # a fast search first: nearly every payload is done here
        return None
    for m in head.finditer(buf):
        if _WARC_TYPE.search(buf, m.end() - 1, m.end() + 2048):
            return m
    return None


def _embedded_record(body: bytes) -> int | None:
    """Where a payload holds the end of its record and the head of another, or None."""
    m = _record_head(body)
    return None if m is None else m.start()


def _record_after(fh: IO[bytes], offset: int) -> int | None:
    """Offset of the ``WARC/1.x`` line of the record after the one at `offset` in an
    uncompressed file, read from the file itself: where a record's payload really ends."""
    pos = offset + 1
    while True:
        fh.seek(pos)
        window = fh.read(1 << 20)
        m = _record_head(window)
        if m is not None:
            return pos + m.end() - len(m.group().lstrip(b"\r\n"))
        if len(window) < 1 << 20:
            return None
        pos += len(window) - 4096  # a head cut by the window is found in the next one


def iter_warc(
    path: str,
    limits: Limits = DEFAULT_LIMITS,
    *,
    opener: Callable[[str], IO[bytes]] | None = None,
) -> Iterator[Item]:
    """Response (and resource) records of a `.warc[.gz]`, read with FastWARC in quirks mode.

    Quirks mode copes with LF-only headers and wrong Content-Length values. What it passes over
    silently is checked here: a record shorter than it says is a reject; a record longer than it
    says (its payload holds the next record's head) is cut there and reading goes on at that
    record, which the reader would have skipped; and the gzip members after the last good record
    are verified so a truncated tail is reported, not dropped.
    """
    try:
        fh = _open(path, opener)
    except OSError as exc:
        yield Reject(path, 0, _unreadable(path, exc))
        return
    with fh:
        try:
            gz = fh.read(2) == _GZIP_MAGIC
            fh.seek(0)
        except OSError as exc:
            yield Reject(path, 0, _unreadable(path, exc))
            return
        seekable = fh.seekable()
        with contextlib.closing(_Look(path, opener, seekable=seekable)) as look:
            yield from _warc_records(path, fh, gz, seekable, look, limits)


def _warc_records(
    path: str, fh: IO[bytes], gz: bool, seekable: bool, look: _Look, limits: Limits
) -> Iterator[Item]:
    """`iter_warc`'s reading, over the open file `fh` (`look`: a second handle on it)."""
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    start = 0
    n_records = 0
    while True:
        last_pos = start
        cut_short: int | None = None  # the record the file ends in, already rejected
        failure: str | None = None
        restart: int | None = None
        try:
            fh.seek(start)
            for record in ArchiveIterator(
                fh, parse_http=False, quirks_mode=True, fsspec_args=False
            ):
                n_records += 1
                last_pos = int(record.stream_pos)
                item = _warc_item(path, record, WarcRecordType, limits, look, gz)
                if isinstance(item, _Overrun):
                    nxt, item = item.restart, item.item
                    if nxt is not None and nxt > last_pos:
                        restart = nxt
                    else:  # one gzip stream for the whole file: no member to seek to
                        yield Reject(path, last_pos, "the Content-Length of the record "
                                     "here runs into the records after it (kept cut at its "
                                     "real end); the records it covers could not be found "
                                     "again in one gzip stream and were skipped")
                cut_short = (item.offset if isinstance(item, Reject)
                             and item.reason.startswith(_CUT_SHORT) else None)
                if item is not None:
                    yield item
                if restart is not None:
                    break
        except Exception as exc:
            failure = f"{exc.__class__.__name__}: {exc}"
        if restart is not None and failure is None:
            start = restart
            continue
        problem: tuple[int, str, bool] | None = None
        if gz and seekable:
            try:
                problem = _gzip_tail_problem(fh, last_pos)
            except OSError as exc:
                problem = (last_pos, f"could not re-read the file: {exc}", False)
        if problem is not None:
            offset, reason, corrupt = problem
            nxt = _next_member(fh, offset + 1) if corrupt else None
            if nxt is not None and nxt <= start:
                nxt = None
            if cut_short is None or (corrupt and offset != cut_short):
                tail = ("reading goes on at the next intact member"
                        if nxt is not None else "records before it were kept")
                yield Reject(path, offset, f"{reason}; {tail}")
            if nxt is not None:
                start = nxt
                continue
        elif failure is not None:
            yield Reject(path, last_pos, f"WARC unreadable after the record at byte "
                                         f"{last_pos:,}: {failure}")
        elif n_records == 0 and _size(fh):
            yield Reject(path, 0, "no WARC records found (not a WARC file?)")
        return


def _size(fh: IO[bytes]) -> int:
    try:
        return fh.seek(0, io.SEEK_END)
    except OSError:
        return 0


def _warc_item(
    path: str, record: Any, types: Any, limits: Limits, look: _Look, gz: bool
) -> Item | _Overrun | None:
    offset = int(record.stream_pos)
    rtype = record.record_type
    if rtype not in (types.response, types.resource):
        return Skipped(path, offset, f"WARC {_type_name(rtype, types)} record")
    headers = record.headers
    url = _target_uri(headers.get("WARC-Target-URI"))
    if _is_dns(url, headers):
        return Skipped(path, offset, "not a page: DNS lookup record")
    rid = record.record_id
    declared = headers.get("Content-Length")
    if declared is None or not declared.strip().isdigit():
        return Reject(path, offset, "malformed WARC record header (no Content-Length; cut?)",
                      url=url, record_id=rid)
    http = None
    if rtype == types.response:
        try:
            record.parse_http(auto_decode="none", quirks_mode=True)
        except Exception as exc:
            return Reject(path, offset, f"unreadable HTTP headers: {exc}", url=url, record_id=rid)
        http = record.http_headers
        status = http.status_code if http is not None else None
        if status is None:  # quirks mode takes any first line for a status line
            return Reject(path, offset, "response record holds no HTTP message",
                          url=url, record_id=rid)
        if not 200 <= status < 300:
            return Skipped(path, offset, f"HTTP status {status}")
        ctype = (record.http_content_type or "").lower() or None
    else:
        ctype = ((headers.get("Content-Type") or "").split(";")[0].strip().lower()) or None
    if ctype is not None and ctype not in _HTML_TYPES and not ctype.startswith("text/"):
        return Skipped(path, offset, f"not a page: {ctype}")
    kind: PageKind = "text" if ctype == "text/plain" else ("html" if ctype else "auto")
    remaining = int(record.content_length)
    if remaining > limits.max_bytes:
        return Reject(path, offset, f"payload is {remaining:,} bytes, over the limit of "
                      f"{limits.max_bytes:,}", url=url, record_id=rid)
    try:
        body = record.reader.read(remaining)
    except Exception as exc:
        return Reject(path, offset, f"record unreadable: {exc}", url=url, record_id=rid)

    def page(payload: bytes) -> SourceRecord | Reject:
        return _payload_item(path, offset, url, rid, payload, http, kind, headers, limits)

    # A wrong Content-Length: the reader (quirks mode) would take the next records as this
    # one's tail, or leave this one's tail out, without a word. The file says which: an
    # uncompressed file is checked at every record (two small reads), a gzipped one where the
    # payload holds what looks like the next record's head, or an HTML page stops before its
    # </html> (inflating a member again costs: not for every record).
    # The checks read the record's whole block (HTTP head and payload), which the WARC
    # Content-Length counts; `remaining` is what the HTTP head left of it.
    block_length = int(declared)
    head_length = max(block_length - remaining, 0)
    true: _TruePayload | _Junk | Literal["right"] | None = None
    if gz:
        cut = _embedded_record(body)
        if cut is not None or _unfinished(body, http, kind):
            true = _member_true_payload(look, offset, block_length, limits.max_bytes)
    else:
        true = _plain_true_payload(look, offset, block_length, limits.max_bytes)
        cut = _embedded_record(body) if true is None else None
    if isinstance(true, _Junk):
        return _Overrun(page(body), true.restart)
    if isinstance(true, _TruePayload):
        if true.data is None:
            return Reject(path, offset, f"record is {true.length:,} bytes (its Content-Length "
                          f"says {block_length:,}), over the limit of {limits.max_bytes:,}",
                          url=url, record_id=rid)
        if true.length < block_length:
            return _Overrun(page(true.data[head_length:]), true.restart)
        return page(true.data[head_length:])  # a Content-Length too short: the whole payload
    if true is None and cut is not None:  # the file cannot tell: the head in it is taken
        return _Overrun(page(body[:cut]), None)
    if len(body) < remaining:
        return Reject(path, offset, f"{_CUT_SHORT}: {len(body):,} of {remaining:,} payload "
                      "bytes (file truncated?)", url=url, record_id=rid)
    return page(body)


def _unfinished(body: bytes, http: Any, kind: PageKind) -> bool:
    """An HTML payload, not content-encoded (a cut one fails to inflate anyway), whose last
    2 KB hold no ``</html``: cut short, or one of the pages that leave it out."""
    if kind == "text" or (http is not None and (http.get("Content-Encoding") or "").strip()
                          .lower() not in ("", "identity")):
        return False
    return b"</html" not in body[-2048:].lower()


def _payload_item(
    path: str, offset: int, url: str | None, rid: str | None, body: bytes, http: Any,
    kind: PageKind, headers: Any, limits: Limits,
) -> SourceRecord | Reject:
    """The page of a response's payload (its content encoding undone), or why not."""
    try:
        body = _decode_payload(body, http, limits.max_bytes)
    except _TooBig:
        return Reject(path, offset, f"decompressed payload is over the limit of "
                      f"{limits.max_bytes:,} bytes (decompression bomb?)", url=url, record_id=rid)
    except zlib.error as exc:
        return Reject(path, offset, f"gzip-encoded payload is corrupt: {exc}",
                      url=url, record_id=rid)
    return SourceRecord(
        source=path, offset=offset, id=None, url=url, data=body, kind=kind,
        http_charset=_charset(http) if http is not None else _charset(headers), record_id=rid,
    )


def _target_uri(raw: str | None) -> str | None:
    """The record's URI without the angle brackets some writers put around it (WARC 1.1's own
    examples wrote ``<http://...>``, and tools copied them)."""
    if raw is not None and len(raw) > 1 and raw[0] == "<" and raw[-1] == ">":
        return raw[1:-1].strip()
    return raw


def _is_dns(url: str | None, headers: Any) -> bool:
    """A crawler's DNS lookup (Heritrix writes them as ``dns:`` responses of ``text/dns``):
    a name and an address, not a page, whatever the record type."""
    ctype = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
    return ctype == "text/dns" or (url or "").lower().startswith("dns:")


def _type_name(rtype: Any, types: Any) -> str:
    for name in ("request", "metadata", "revisit", "warcinfo", "conversion", "continuation"):
        if rtype == getattr(types, name):
            return name
    return "non-response"
