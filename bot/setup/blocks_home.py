"""The App Home tab: a dashboard per person. Features add sections to HOME_SECTIONS."""

from __future__ import annotations

from collections.abc import Callable

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, DividerBlock, HeaderBlock
from slack_sdk.models.views import View
from sqlmodel import Session

from bot.block_kit import channel, context, section
from bot.ids import HomeIds
from bot.intel.blocks_lists import home_section as intel_home
from bot.models import Workspace
from bot.setup.members import Team
from bot.setup.workspaces import missing_channels
from bot.unhappy.blocks_notes import home_blocks as unhappy_home

# Each section builder: (session, workspace, user_id) -> blocks. Shown in this order.
HomeSection = Callable[[Session, Workspace, str], list[Block]]
HOME_SECTIONS: list[HomeSection] = []
HOME_SECTIONS.append(unhappy_home)
HOME_SECTIONS.append(intel_home)


def _joint_meeting(session: Session, ws: Workspace, user_id: str) -> list[Block]:
    from bot.joint.posts import home_section

    return home_section(session, ws, user_id)


HOME_SECTIONS.append(_joint_meeting)


def _strategies(session: Session, ws: Workspace, user_id: str) -> list[Block]:
    from bot.playbook.blocks_strategy_forms import home_blocks

    return home_blocks(session, ws, user_id)


HOME_SECTIONS.append(_strategies)


def _teams_line(teams: set[Team]) -> str:
    names = " and ".join(sorted(t.value for t in teams))
    return f"You are on the *{names}* team." if names else \
        "You are on neither team yet: join the sales or marketing channel, or ask a lead."


def home_view(session: Session, ws: Workspace, user_id: str, teams: set[Team]) -> View:
    blocks: list[Block] = [
        HeaderBlock(text="Truce — sales and marketing, side by side"),
        section(_teams_line(teams)),
    ]
    missing = missing_channels(ws)
    if missing:
        blocks.append(section(":construction: Truce is not fully set up yet ("
                              + ", ".join(m.replace("_", " ") for m in missing)
                              + " missing). An admin or lead runs `/truce setup`."))
    else:
        blocks.append(context(f"Sales {channel(ws.sales_channel)} · Marketing {channel(ws.marketing_channel)}"
                              f" · Joint {channel(ws.joint_channel)} · Alerts {channel(ws.alerts_channel)}"))
    for build in HOME_SECTIONS:
        extra = build(session, ws, user_id)
        if extra:
            blocks.append(DividerBlock())
            blocks.extend(extra)
    blocks.append(DividerBlock())
    blocks.append(ActionsBlock(elements=[ButtonElement(text="Refresh", action_id=HomeIds.REFRESH)]))
    blocks.append(context("Type `/truce help` anywhere for every command."))
    return View(type="home", blocks=blocks[:100])
