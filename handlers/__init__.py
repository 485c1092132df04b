"""Bolt listeners by feature. Each module has register(app); nothing decorates a global app."""

from __future__ import annotations

from slack_bolt import App

from handlers import home, install, joint, membership, reactions, truce

MODULES = [truce, membership, reactions, home, install, joint]


def register_all(app: App) -> None:
    for module in MODULES:
        module.register(app)
