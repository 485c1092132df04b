"""The App Home tab: a dashboard per person, with every feature's section (Feature.home_section)."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, DividerBlock, HeaderBlock
from slack_sdk.models.views import View

from bot.block_kit import channel, context, section
from bot.ids import HomeIds
from bot.models import Workspace
from bot.setup.team import Team


def _teams_line(teams: set[Team]) -> str:
    names = " and ".join(sorted(t.value for t in teams))
    return f"You are on the *{names}* team." if names else \
        "You are on neither team yet: join the sales or marketing channel, or ask a lead."


def home_view(ws: Workspace, teams: set[Team], *, missing: list[str], sections: list[list[Block]]) -> View:
    """`missing`: the channels not set up yet; `sections`: the features' sections, in their order."""
    blocks: list[Block] = [
        HeaderBlock(text="Truce — sales and marketing, side by side"),
        section(_teams_line(teams)),
    ]
    if missing:
        blocks.append(section(":construction: Truce is not fully set up yet ("
                              + ", ".join(m.replace("_", " ") for m in missing)
                              + " missing). An admin or lead runs `/truce setup`."))
    else:
        blocks.append(context(f"Sales {channel(ws.sales_channel)} · Marketing {channel(ws.marketing_channel)}"
                              f" · Joint {channel(ws.joint_channel)} · Alerts {channel(ws.alerts_channel)}"))
    for extra in sections:
        if extra:
            blocks.append(DividerBlock())
            blocks.extend(extra)
    blocks.append(DividerBlock())
    blocks.append(ActionsBlock(elements=[ButtonElement(text="Refresh", action_id=HomeIds.REFRESH)]))
    blocks.append(context("Type `/truce help` anywhere for every command."))
    return View(type="home", blocks=blocks[:100])
