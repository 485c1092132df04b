"""Alembic, driven from code: `python -m bot migrate`, start-up, and the tests.

Start-up only needs to know whether the database is at the latest revision, which costs one query:
`alembic_version` against the heads of migrations/versions/, read from each file's `revision` and
`down_revision` lines without importing Alembic. Alembic (and Mako and Pygments with it, a quarter of
a second or more) is imported only when the database is behind. A new migration needs no edit here;
tests/test_migrate.py keeps `heads()` equal to what Alembic itself finds.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

if TYPE_CHECKING:
    from alembic.config import Config

ROOT = Path(__file__).resolve().parent.parent
VERSIONS = ROOT / "migrations" / "versions"
VERSION_TABLE = "alembic_version"

# A module-level assignment, with or without a type annotation: `revision = '0012'`,
# `down_revision: str | None = "0011"`, `down_revision = ('0013', '0014')` (a merge), `= None`.
_ASSIGNED = re.compile(r"^(revision|down_revision)\s*(?::[^=\n]*)?=\s*(.+)$", re.MULTILINE)
_QUOTED = re.compile(r"""['"]([^'"]+)['"]""")


def revisions(folder: Path = VERSIONS) -> dict[str, tuple[str, ...]]:
    """Each migration's revision id -> the revisions it follows, read from the files' text."""
    graph: dict[str, tuple[str, ...]] = {}
    for path in sorted(folder.glob("*.py")):
        found = {name: value for name, value in _ASSIGNED.findall(path.read_text(encoding="utf-8"))}
        ids = _QUOTED.findall(found.get("revision", ""))
        if len(ids) != 1:
            continue  # not a migration (Alembic ignores it too)
        graph[ids[0]] = tuple(_QUOTED.findall(found.get("down_revision", "")))
    return graph


def heads(folder: Path = VERSIONS) -> set[str]:
    """The revisions no other revision follows: what `alembic heads` says."""
    graph = revisions(folder)
    followed = {parent for parents in graph.values() for parent in parents}
    return set(graph) - followed


def current(conn: Connection) -> set[str]:
    """The revisions the database is at (none before its first migration)."""
    if not inspect(conn).has_table(VERSION_TABLE):
        return set()
    return {row[0] for row in conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))}


def at_head(engine: Engine) -> bool:
    with engine.connect() as conn:
        return current(conn) == heads()


def upgrade_if_behind(engine: Engine) -> bool:
    """Migrate to the latest revision unless the database is there already; True when it migrated.
    (A database at a revision this code does not know is handed to Alembic, which refuses it.)"""
    if at_head(engine):
        return False
    upgrade(engine)
    return True


def alembic_config(engine: Engine | None = None, url: str | None = None) -> Config:
    from alembic.config import Config

    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if engine is not None:
        cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "heads") -> None:
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    from alembic import command

    command.downgrade(alembic_config(engine), revision)
