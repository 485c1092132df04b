"""Start-up's migration check (bot/migrate.py): the heads read from migrations/versions/ without
Alembic are Alembic's own; a database at head is left alone and Alembic is not even imported; one
behind is migrated."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from bot import migrate
from bot.db import make_engine

ROOT = Path(__file__).resolve().parent.parent


def test_the_heads_read_from_the_files_are_alembics():
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config())
    assert migrate.heads() == set(script.get_heads())
    assert migrate.revisions() == {
        rev.revision: tuple(rev._normalized_down_revisions) for rev in script.walk_revisions()}


def _write(folder: Path, name: str, body: str) -> None:
    (folder / name).write_text(f'"""A migration."""\n\nimport sqlalchemy as sa\n\n{body}\n\n\ndef upgrade():\n'
                               f"    revision = 'not-this-one'\n")


def test_heads_follow_new_files_branches_and_merges(tmp_path):
    _write(tmp_path, "0001_a.py", "revision = '0001'\ndown_revision = None")
    _write(tmp_path, "0002_b.py", 'revision: str = "0002"\ndown_revision: str | None = "0001"')
    assert migrate.heads(tmp_path) == {"0002"}
    _write(tmp_path, "0003_c.py", "revision = '0003'\ndown_revision = '0001'")  # a second branch
    assert migrate.heads(tmp_path) == {"0002", "0003"}
    _write(tmp_path, "0004_merge.py", "revision = '0004'\ndown_revision = ('0002', '0003')")
    (tmp_path / "helpers.py").write_text("X = 1\n")  # not a migration
    assert migrate.heads(tmp_path) == {"0004"}
    assert migrate.revisions(tmp_path)["0004"] == ("0002", "0003")


def test_a_database_at_head_is_not_migrated_and_one_behind_is(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/m.db")
    try:
        assert not migrate.at_head(engine)  # empty: no alembic_version yet
        assert migrate.upgrade_if_behind(engine) is True
        assert migrate.at_head(engine)
        assert migrate.upgrade_if_behind(engine) is False
        previous = next(iter(migrate.revisions()[next(iter(migrate.heads()))]))
        migrate.downgrade(engine, previous)
        assert not migrate.at_head(engine)
        assert migrate.upgrade_if_behind(engine) is True and migrate.at_head(engine)
    finally:
        engine.dispose()


def test_a_database_at_an_unknown_revision_is_refused_as_before(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/u.db")
    try:
        migrate.upgrade(engine)
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        with pytest.raises(Exception, match="9999"):
            migrate.upgrade_if_behind(engine)
    finally:
        engine.dispose()


def test_start_up_at_head_does_not_import_alembic(engine, database_url):
    """What `python -m bot serve` runs before serving, in a process of its own (the session's
    database is at head)."""
    probe = ("import sys\n"
             "from bot.config import load_settings\n"
             "from bot.__main__ import _migrate\n"
             f"_migrate(load_settings(DATABASE_URL={database_url!r}))\n"
             "print(sorted(m for m in ('alembic', 'mako', 'pygments') if m in sys.modules))\n")
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
