"""Online backups of a SQLite database (PostgreSQL has pg_dump for this).

sqlite3's backup API copies a consistent snapshot page by page while the app keeps
serving, unlike copying the file (which can tear mid-write and misses the WAL).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from simulator.store.database import SQLITE_BUSY_TIMEOUT_MS, normalise_url, sqlite_path, writer_lock


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says what to do instead."""


def _database_file(url: str) -> Path:
    url = normalise_url(url)
    path = sqlite_path(url)
    if path is None:
        if url.startswith("sqlite"):
            raise BackupError("an in-memory SQLite database cannot be backed up")
        raise BackupError(
            "backup and restore handle SQLite only; for PostgreSQL use pg_dump and pg_restore "
            "(for example: pg_dump --format=custom --file=kohtaamo.dump DBNAME)"
        )
    return Path(path)


def backup_sqlite(url: str, destination: str | Path, *, overwrite: bool = False) -> Path:
    """Write a consistent copy of the live database to ``destination``."""
    source_path = _database_file(url)
    destination = Path(destination)
    if not source_path.exists():
        raise BackupError(f"no database at {source_path}")
    if destination.exists() and not overwrite:
        raise BackupError(f"{destination} already exists; choose another path or remove it first")
    if destination.resolve() == source_path.resolve():
        raise BackupError("the backup path is the live database itself")
    destination.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(source_path, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
    target = sqlite3.connect(destination)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
    finally:
        target.close()
        source.close()
    return destination


def restore_sqlite(url: str, backup: str | Path) -> Path:
    """Replace the live database's content with the backup's, through the same API.

    Writers in this process are held off by the writer lock; other processes wait on
    SQLite's own lock. Connections should be disposed of afterwards.
    """
    target_path = _database_file(url)
    backup = Path(backup)
    if not backup.is_file():
        raise BackupError(f"no backup file at {backup}")
    source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        try:
            tables = {row[0] for row in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{backup} is not a SQLite database ({error})") from None
        if "alembic_version" not in tables or "users" not in tables:
            raise BackupError(f"{backup} is not a Kohtaamo backup (no users or alembic_version table)")
        target_path.parent.mkdir(parents=True, exist_ok=True)
        with writer_lock(url):
            target = sqlite3.connect(target_path, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
            try:
                source.backup(target)
            finally:
                target.close()
    finally:
        source.close()
    return target_path
