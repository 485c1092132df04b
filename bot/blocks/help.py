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
HELP["/unhappy"] = [
    ("/unhappy Acme Corp: invoice was wrong twice !high",
     "Report an unhappy customer at once (severity !low, !medium, !high or !critical; medium by default)."),
    ("/unhappy", "Open the report form: customer, severity, what happened, link, contact."),
    ("/unhappy list", "Open customer alerts, newest first, with who owns them and how fast they were owned."),
    ("/unhappy mine", "The open alerts you own."),
    ("/unhappy assign 12 @dana sales", "Make someone an owner of alert #12 (leads); the previous owner is told."),
    ("/unhappy settings", "Reaction emoji, reminder times per severity, working hours (admins and leads)."),
    ("/unhappy help", "Show this help. On any message: ⋯ → “Report customer unhappiness”."),
]
HELP["/truce"] += [
    ("/truce csat Acme Corp 7/10 slow onboarding",
     "Record a customer's satisfaction score (7/10 or 4/5; a bare number uses the default scale)."),
    ("/truce csat token", "The token survey tools use to POST scores to /webhooks/csat (admins and leads)."),
]


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
