"""Set-up: the Bolt listeners, each imported with its module on the first request it answers
(bot/lazy.py): the app registers them at start-up without importing the handlers."""

from __future__ import annotations

from slack_bolt import App

from bot.ids import Command, HomeIds, SetupIds
from bot.lazy import listener


def register(app: App) -> None:
    # handlers/setup/truce.py
    app.command(Command.TRUCE)(listener("handlers.setup.truce", "truce_command"))
    app.view(SetupIds.CALLBACK)(listener("handlers.setup.truce", "setup_submitted"))
    # handlers/setup/membership.py
    app.event("member_joined_channel")(listener("handlers.setup.membership", "member_joined"))
    app.event("member_left_channel")(listener("handlers.setup.membership", "member_left"))
    app.event("user_change")(listener("handlers.setup.membership", "user_changed"))
    app.event("team_join")(listener("handlers.setup.membership", "user_changed"))
    # handlers/setup/home.py
    app.event("app_home_opened")(listener("handlers.setup.home", "home_opened"))
    app.action(HomeIds.REFRESH)(listener("handlers.setup.home", "refresh_clicked"))
    # handlers/setup/install.py
    app.event("app_uninstalled")(listener("handlers.setup.install", "uninstalled"))
    app.event("tokens_revoked")(listener("handlers.setup.install", "uninstalled"))
