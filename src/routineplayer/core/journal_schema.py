"""The journal's SQLite schema and its migrations.

``PRAGMA user_version`` is the schema version: 0 is an empty file. ``MIGRATIONS[i]`` takes a
database from version ``i`` to ``i + 1``; each runs in its own transaction together with the
version bump, so a crash mid-migration leaves the previous version intact. To change the
schema, append a function (never edit a released one) and bump nothing else:
``SCHEMA_VERSION`` follows from the list.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

from routineplayer.core.pain import PainLocation

Migration = Callable[[sqlite3.Connection], None]

_LOCATIONS = ", ".join(f"'{loc.value}'" for loc in PainLocation)


def _v0_to_v1(db: sqlite3.Connection) -> None:
    # Timestamps are ISO-8601 UTC text (see journal.py). CHECK constraints keep a bad caller
    # from writing rows the history view could not show.
    db.execute(
        f"""
        CREATE TABLE session (
            id                   INTEGER PRIMARY KEY,
            routine_title        TEXT NOT NULL,
            routine_kind         TEXT NOT NULL CHECK (routine_kind IN ('builtin', 'file')),
            routine_source       TEXT NOT NULL,
            started_at           TEXT NOT NULL,
            ended_at             TEXT,
            outcome              TEXT CHECK (outcome IN ('finished', 'stopped')),
            stopped_step_index   INTEGER,
            stopped_step_title   TEXT,
            pain_before          INTEGER CHECK (pain_before BETWEEN 0 AND 10),
            pain_before_location TEXT CHECK (pain_before_location IN ({_LOCATIONS})),
            pain_after           INTEGER CHECK (pain_after BETWEEN 0 AND 10),
            pain_after_note      TEXT,
            notes                TEXT
        )
        """
    )
    db.execute("CREATE INDEX session_started_at ON session (started_at)")
    db.execute(
        """
        CREATE TABLE set_record (
            id            INTEGER PRIMARY KEY,
            session_id    INTEGER NOT NULL REFERENCES session (id) ON DELETE CASCADE,
            step_index    INTEGER NOT NULL CHECK (step_index >= 0),
            step_title    TEXT NOT NULL,
            set_number    INTEGER NOT NULL CHECK (set_number >= 1),
            side          TEXT,
            check_answer  INTEGER CHECK (check_answer IN (0, 1)),
            resets_taken  INTEGER NOT NULL DEFAULT 0 CHECK (resets_taken >= 0),
            skipped       INTEGER NOT NULL DEFAULT 0 CHECK (skipped IN (0, 1)),
            completed_at  TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX set_record_session ON set_record (session_id)")


def _v1_to_v2(db: sqlite3.Connection) -> None:
    # Spoken answers (issue: hands-free answers): one row for each answer taken by voice,
    # so the history can tell a spoken "no" from a key's. A key's answers have no row.
    db.execute(
        """
        CREATE TABLE voice_answer (
            id           INTEGER PRIMARY KEY,
            session_id   INTEGER NOT NULL REFERENCES session (id) ON DELETE CASCADE,
            question     TEXT NOT NULL CHECK (question IN ('check', 'pain', 'play')),
            answer       TEXT NOT NULL,
            step_index   INTEGER,
            set_number   INTEGER,
            answered_at  TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX voice_answer_session ON voice_answer (session_id)")


MIGRATIONS: tuple[Migration, ...] = (_v0_to_v1, _v1_to_v2)
SCHEMA_VERSION = len(MIGRATIONS)


def user_version(db: sqlite3.Connection) -> int:
    row = db.execute("PRAGMA user_version").fetchone()
    return int(row[0])


def migrate(db: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """Bring ``db`` (in autocommit mode) up to ``len(migrations)``; returns the final version.

    Each step re-reads the version inside ``BEGIN IMMEDIATE`` so two processes opening the
    same new journal at once do not both run a migration.
    """
    target = len(migrations)
    # Current already (every start but the first): no write lock, so another program
    # holding the journal cannot make opening it wait out the busy timeout.
    if user_version(db) >= target:
        return user_version(db)
    while True:
        db.execute("BEGIN IMMEDIATE")
        try:
            version = user_version(db)
            if version >= target:
                db.execute("COMMIT")
                return version
            migrations[version](db)
            # PRAGMA takes no parameters; the value is our own int.
            db.execute(f"PRAGMA user_version = {version + 1:d}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
