"""The playbook: the Bolt listeners, each imported with its module on the first request it answers
(bot/lazy.py): the app registers them at start-up without importing the handlers."""

from __future__ import annotations

from slack_bolt import App

from bot.ids import PlaybookIds
from bot.lazy import listener


def register(app: App) -> None:
    # handlers/playbook/strategies.py
    app.view(PlaybookIds.STRATEGY_VIEW)(listener("handlers.playbook.strategies", "strategy_submitted"))
    app.action(PlaybookIds.HOME_PUBLISH)(listener("handlers.playbook.strategies", "publish_clicked"))
    app.action(PlaybookIds.HOME_MORE)(listener("handlers.playbook.strategies", "more_chosen"))
    # handlers/playbook/strategy_search.py
    app.action(PlaybookIds.HOME_SEARCH)(listener("handlers.playbook.strategy_search", "search_clicked"))
    app.view(PlaybookIds.SEARCH_VIEW)(listener("handlers.playbook.strategy_search", "search_submitted"))
    # handlers/playbook/winloss.py
    app.view(PlaybookIds.WINLOSS_VIEW)(listener("handlers.playbook.winloss", "winloss_submitted"))
    app.action(PlaybookIds.WINLOSS_EDIT)(listener("handlers.playbook.winloss", "edit_clicked"))
