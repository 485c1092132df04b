"""The help every command answers with: each command Truce has, with one example each."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, DividerBlock, HeaderBlock

from bot.blocks.common import context, section

# command -> [(usage, what it does)], in the order shown. Each feature adds its own lines.
HELP: dict[str, list[tuple[str, str]]] = {
    "/truce": [
        ("/truce help", "Show this help."),
        ("/truce setup", "Choose the sales, marketing, joint and alerts channels, timezone and leads "
                         "(admins and leads)."),
        ("/truce team @dana marketing", "Put someone on a team by hand: sales, marketing, both, neither, "
                                         "or auto to follow channel membership again (admins and leads)."),
        ("/truce whoami", "See which team Truce thinks you are on, and why."),
    ],
}


def help_text(command: str | None = None) -> str:
    commands = [command] if command in HELP else list(HELP)
    lines = []
    for name in commands:
        for usage, what in HELP[name]:
            lines.append(f"`{usage}` — {what}")
    return "\n".join(lines)


def help_blocks(command: str | None = None, *, intro: str | None = None) -> list[Block]:
    blocks: list[Block] = [HeaderBlock(text="Truce — how to use it")]
    if intro:
        blocks.append(section(intro))
    commands = [command] if command in HELP else list(HELP)
    for name in commands:
        blocks.append(section(f"*{name}*\n" + "\n".join(f"`{u}` — {w}" for u, w in HELP[name])))
    blocks.append(DividerBlock())
    blocks.append(context("Truce keeps sales and marketing in step: share what you learn, own unhappy "
                          "customers together, and plan every quarter side by side."))
    return blocks
