"""Moderator corrections: a small SQLAlchemy store that outlives the server process.

SQLite is the default because a moderation box rarely has a database server; it is opened in WAL
mode with a busy timeout so several uvicorn workers (or the trainer reading while moderators write)
never see "database is locked". Any other SQLAlchemy URL works through ``PAGESIEVE_DATABASE_URL``.
Texts are normalised (lone surrogates and NUL become U+FFFD) before storing, because the crawled
text the API accepts may carry them and neither SQLite's UTF-8 nor PostgreSQL would store them.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    DateTime,
    Engine,
    Integer,
    String,
    Text,
    create_engine,
    event,
    func,
    select,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, ProgrammingError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from sqlalchemy.pool import StaticPool

from ..types import LABELS

__all__ = [
    "Correction",
    "FeedbackStore",
    "default_database_url",
    "export_corrections",
    "normalise_text",
    "text_key",
]

#: Longest correction text accepted; a block can be long, but not longer than a page body.
MAX_TEXT_CHARS = 1_000_000
_BAD_CHARS = re.compile("[\ud800-\udfff\x00]")


def normalise_text(text: str) -> str:
    """Replace characters no database stores faithfully (lone surrogates, NUL) with U+FFFD, and
    line ends with ``\n``: a browser sends a form's text with CRLF, so a block corrected through
    the page without JavaScript must key as the same block sent as JSON."""
    return _BAD_CHARS.sub("\ufffd", text.replace("\r\n", "\n").replace("\r", "\n"))


def text_key(text: str) -> str:
    """The lookup key of a block text: sha256 of its normalised UTF-8 bytes."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


def default_database_url() -> str:
    """``PAGESIEVE_DATABASE_URL``, else a SQLite file in the user's data folder.

    The data folder (``$XDG_DATA_HOME/pagesieve`` or ``~/.local/share/pagesieve``) is used instead
    of the working directory so restarting the server from elsewhere still finds the corrections.
    """
    url = os.environ.get("PAGESIEVE_DATABASE_URL", "").strip()
    return url or _data_folder_url()


def _data_folder_url() -> str:
    base = os.environ.get("XDG_DATA_HOME", "").strip() or str(Path.home() / ".local" / "share")
    return f"sqlite:///{Path(base) / 'pagesieve' / 'feedback.db'}"


def _shown(url: str) -> str:
    """`url` for an error message, its password masked."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


class _Base(DeclarativeBase):
    pass


class _Row(_Base):
    __tablename__ = "pagesieve_corrections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    text_sha256: Mapped[str] = mapped_column(String(64), index=True)
    text: Mapped[str] = mapped_column(Text)
    label: Mapped[str] = mapped_column(String(16))
    predicted: Mapped[str | None] = mapped_column(String(16), nullable=True)
    source: Mapped[str | None] = mapped_column(String(1024), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True, slots=True)
class Correction:
    """One stored correction, as the export and the trainer see it."""

    id: int
    text: str
    label: str
    predicted: str | None
    source: str | None
    created_at: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "label": self.label,
            "predicted": self.predicted,
            "source": self.source,
            "created_at": self.created_at,
        }


def _as_correction(row: _Row) -> Correction:
    created = row.created_at
    if created.tzinfo is None:  # SQLite drops the zone; every row is written in UTC.
        created = created.replace(tzinfo=UTC)
    return Correction(
        id=row.id,
        text=row.text,
        label=row.label,
        predicted=row.predicted,
        source=row.source,
        created_at=created.isoformat(),
    )


def _make_engine(url: str) -> Engine:
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    path = url.split("///", 1)[1] if "///" in url else ""
    if path and path != ":memory:" and not path.startswith("file:"):
        folder = Path(path).expanduser().parent
        if url == _data_folder_url():  # the default's folder is ours to make
            folder.mkdir(parents=True, exist_ok=True)
        elif not folder.is_dir():  # a typo must not leave folders behind (at / for root)
            raise OSError(f"no such folder: {folder}")
    if in_memory_url(url):
        # Each new connection to an in-memory database opens an empty one: keep one for all.
        # It lives as long as the process (and each `serve --workers` process has its own).
        return create_engine(url, connect_args={"check_same_thread": False},
                             poolclass=StaticPool)
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
        # WAL lets readers run beside one writer; busy_timeout makes writers queue, not fail.
        cur = dbapi_conn.cursor()
        try:
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        finally:
            cur.close()

    return engine


def in_memory_url(url: str) -> bool:
    """Whether a SQLite URL names an in-memory database (one per process): ``sqlite://``,
    ``sqlite:///:memory:``, ``sqlite:///file:x?mode=memory&uri=true``."""
    if not url.startswith("sqlite"):
        return False
    path = url.split("///", 1)[1] if "///" in url else ""
    return not path or path.split("?", 1)[0] == ":memory:" or "mode=memory" in url


class FeedbackStore:
    """Stores and reads corrections. Thread-safe: one engine, a session per call."""

    def __init__(self, database_url: str | None = None) -> None:
        """Open (and set up) the store; `ValueError` naming the URL when that fails."""
        self.url = database_url or default_database_url()
        try:
            self.engine = _make_engine(self.url)
            self._create_tables()
        except (SQLAlchemyError, ImportError, OSError) as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ValueError(
                f"cannot open the feedback database {_shown(self.url)!r}: {reason}"
            ) from exc

    def _create_tables(self) -> None:
        # Two workers starting together can both see "no table" and race on CREATE; the loser's
        # error is harmless once the table exists, so check again instead of failing startup.
        for attempt in range(3):
            try:
                _Base.metadata.create_all(self.engine)
                return
            except (OperationalError, ProgrammingError):
                if attempt == 2:
                    raise

    def add(
        self,
        text: str,
        label: str,
        *,
        source: str | None = None,
        predicted: str | None = None,
    ) -> Correction:
        """Store one correction and return it. `label` must be one of the five labels."""
        if label not in LABELS:
            raise ValueError(f"unknown label {label!r}; expected one of {', '.join(LABELS)}")
        if predicted is not None and predicted not in LABELS:
            raise ValueError(f"unknown predicted label {predicted!r}")
        clean = normalise_text(text)
        row = _Row(
            text_sha256=text_key(clean),
            text=clean,
            label=label,
            predicted=predicted,
            source=normalise_text(source) if source is not None else None,
            created_at=datetime.now(UTC),
        )
        with Session(self.engine, expire_on_commit=False) as session:
            session.add(row)
            session.commit()
            return _as_correction(row)

    def iter_all(self, batch: int = 500) -> Iterator[Correction]:
        """Every correction, oldest first, streamed in batches so a big export stays small."""
        last_id = 0
        while True:
            with Session(self.engine) as session:
                rows = session.scalars(
                    select(_Row).where(_Row.id > last_id).order_by(_Row.id).limit(batch)
                ).all()
                out = [_as_correction(r) for r in rows]
            if not out:
                return
            yield from out
            last_id = out[-1].id

    def all(self) -> list[Correction]:
        return list(self.iter_all())

    def recent(self, limit: int = 20) -> list[Correction]:
        with Session(self.engine) as session:
            rows = session.scalars(select(_Row).order_by(_Row.id.desc()).limit(limit)).all()
            return [_as_correction(r) for r in rows]

    def count(self) -> int:
        with Session(self.engine) as session:
            return int(session.scalar(select(func.count()).select_from(_Row)) or 0)

    def latest_for(self, texts: Iterable[str]) -> dict[str, Correction]:
        """The newest correction for each of `texts` that has one, keyed by `text_key`."""
        keys = sorted({text_key(t) for t in texts})
        found: dict[str, Correction] = {}
        with Session(self.engine) as session:
            for i in range(0, len(keys), 500):
                chunk = keys[i : i + 500]
                rows = session.scalars(
                    select(_Row).where(_Row.text_sha256.in_(chunk)).order_by(_Row.id)
                ).all()
                for r in rows:  # ascending id: later rows overwrite earlier ones
                    found[r.text_sha256] = _as_correction(r)
        return found

    def dispose(self) -> None:
        self.engine.dispose()


def export_corrections(database_url: str | None = None) -> list[dict[str, Any]]:
    """All corrections as plain dicts (oldest first), for ``pagesieve train --feedback``.

    Each dict has ``id, text, label, predicted, source, created_at``; a text corrected twice
    appears twice, and the later row is the moderator's final word.
    """
    store = FeedbackStore(database_url)
    try:
        return [c.to_dict() for c in store.iter_all()]
    finally:
        store.dispose()
