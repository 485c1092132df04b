"""bot/lazy.py: what the features name lazily exists, the jobs keep their ids, and a serving process starts
without importing any feature's handlers, jobs, block builders or tables."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path
from unittest.mock import MagicMock

import pytest
from slack_bolt import BoltContext

from bot import schema
from bot.features import FEATURES
from bot.lazy import lazy, listener, references, target

ROOT = Path(__file__).resolve().parent.parent


def test_every_reference_the_features_make_is_a_function() -> None:
    for feature in FEATURES:
        for register in feature.listeners:
            register(MagicMock())  # the Bolt listeners are named when registered
    refs = references()
    assert len(refs) > 60
    for fn, (module, name) in refs.items():
        found = target(fn)
        assert callable(found) and found.__module__ == module and found.__name__ == name, (module, name)


def test_a_reference_calls_its_function_with_what_it_is_given() -> None:
    joined = lazy("os.path", "join")
    assert joined("a", "b") == "a/b" and (joined.__module__, joined.__name__) == ("os.path", "join")
    assert target(joined) is importlib.import_module("os.path").join
    assert target(len) is len


def test_a_listener_gets_the_arguments_its_function_names() -> None:
    args = MagicMock()
    args.request.context = BoltContext({"rt": "the runtime"})
    args.request.body = {}
    seen = listener("tests.test_lazy", "_a_listener")(args)
    assert seen == ("the runtime", args.request.context)


def _a_listener(rt: str, context: dict) -> tuple[str, dict]:
    return rt, context


def test_the_jobs_keep_their_ids() -> None:
    for feature in FEATURES:
        for job in feature.jobs:
            module = importlib.import_module(target(job.func).__module__)
            assert job.id in {v for v in vars(module).values() if isinstance(v, str)}, job.id


def _imported_by(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys; print('\\n'.join(sys.modules))"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    return set(out.split())


def test_serving_imports_no_feature_until_it_is_used() -> None:
    loaded = _imported_by("import bot.__main__, bot.server, bot.app, bot.bootstrap, bot.web, jobs.scheduler, "
                          "bot.preflight, bot.migrate")
    shared = {"bot.models.accepted", "bot.models.core", "bot.models.install", "bot.models.schedule"}
    features = {m.__name__ for m in schema.MODULES} - shared
    assert not loaded & features
    assert not {m for m in loaded if m.startswith("handlers.") and not m.endswith((".listeners", ".dispatch"))
                and m.count(".") > 1}
    assert not {m for m in loaded if m.startswith("jobs.")} - {"jobs.ids", "jobs.scheduler"}


def test_serving_imports_nothing_it_does_not_use() -> None:
    """Memory at rest (docs/benchmarks.md): the standard library's WSGI server (the sandbox's and the tests'),
    and ctypes.util (which ran `ldconfig -p` in a child process at every start) stay out of a serving process."""
    loaded = _imported_by("import bot.__main__, bot.server, bot.app, bot.bootstrap, bot.web, jobs.scheduler, "
                          "bot.preflight, bot.migrate, bot.worker, bot.worker_process\n"
                          "from bot import process; process.starting()\n"
                          "from bot.config import load_settings; load_settings()")
    assert not loaded & {"wsgiref.simple_server", "bot.http_server", "bot.local_server", "ctypes.util"}


@pytest.mark.parametrize("module", [m.__name__ for m in schema.MODULES])
def test_each_models_module_brings_the_tables_its_foreign_keys_name(module: str) -> None:
    """Imported alone (as a feature's first request does), every foreign key finds its table."""
    subprocess.run([sys.executable, "-c", f"import bot.models, {module}\nfrom sqlmodel import SQLModel\n"
                    "[fk.column for t in SQLModel.metadata.tables.values() for fk in t.foreign_keys]"],
                   cwd=ROOT, check=True)
