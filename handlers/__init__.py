"""Bolt listeners by feature. Each module has register(app); nothing decorates a global app."""

from __future__ import annotations

from slack_bolt import App

from handlers import messages, reactions
from handlers.intel import command as intel
from handlers.intel import events as intel_events
from handlers.joint import command as joint
from handlers.playbook import strategies, winloss
from handlers.setup import home, install, membership, truce
from handlers.unhappy import command as unhappy
from handlers.unhappy import csat, csat_import

MODULES = [truce, membership, reactions, messages, home, install, joint, unhappy, csat, csat_import, intel, strategies,
           winloss]


# Every durable task kind (bot/tasks.py) the listeners store, with the function that finishes it.
TASKS = {**intel_events.TASKS}


def register_all(app: App) -> None:
    for module in MODULES:
        module.register(app)
