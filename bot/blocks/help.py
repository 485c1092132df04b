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
    "/intel": [
        ("/intel #pricing Acme cut list prices 20% vs:Acme https://acme.example/pricing",
         "Share what you learned with the other team at once: marketing's intel goes to the sales channel, sales' "
         "to marketing (people on both or neither team reach both), and always to the joint channel. "
         "Optional: a kind first (#competitor, #pricing, #product, #trend, #customer, #other), a competitor "
         "(vs:Acme or vs:\"Acme Corp\") and a link (Truce adds the page's title)."),
        ("/intel", "Open a form: summary, link, kind, competitor, and why it matters to the other team."),
        ("Message menu → Share as market intel", "Share someone's message (Truce keeps a link to it)."),
        ("React with :bulb:", "In the sales or marketing channel, shares that message once; everyone who reacts "
                              "is listed as flagging it. If the message is edited or deleted, the share follows."),
        ("Useful · Discuss · ⋯ Retract", "On every post: one Useful vote each, a discussion thread in the joint "
                                          "channel, and retracting (the sharer, admins and leads)."),
        ("/intel search acme #pricing vs:Acme since:2026-01-31",
         "Find past intel: words in the summary, competitor or link title, filtered by kind, competitor and "
         "date; newest and most useful first, ten at a time."),
        ("/intel emoji :bulb:", "Choose the reaction that shares a message (admins and leads)."),
        ("/intel digest monday 09:00", "When the weekly digest of the most useful intel is posted to both team "
                                       "channels, or `off` (admins and leads)."),
        ("/intel help", "Show this help."),
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
