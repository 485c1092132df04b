"""The help every command answers with: each command Truce has, with one example each."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, DividerBlock, HeaderBlock

from bot.block_kit import context, section

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
         "date; newest and most useful first, ten at a time. `vs:` finds every spelling of the competitor."),
        ("/intel vs Initech", "The competitor's battlecard: the latest intel by kind, this quarter's and last "
                              "quarter's wins and losses with their reasons, the strategies and open unhappy "
                              "reports that name them, who shares most. Also a button on every share that "
                              "names a competitor, and on App Home."),
        ("/intel competitors", "Every competitor with its spellings. Leads: `merge \"Initech Inc\" into Initech`, "
                               "`rename Initech to \"Initech Corp\"`, `alias Initech INTC`; anyone: "
                               "`history Initech`."),
        ("/intel emoji :bulb:", "Choose the reaction that shares a message (admins and leads)."),
        ("/intel digest monday 09:00", "When the weekly digest of the most useful intel is posted to both team "
                                       "channels, or `off` (admins and leads)."),
        ("/intel help", "Show this help."),
    ],
    "/joint": [
        ("/joint", "Show the next quarterly joint meeting, and this help."),
        ("/joint agenda Pricing for the new tier", "Add an item to the next joint meeting's agenda."),
        ("/joint needs Acme wants SSO by spring", "Record a customer's future need; the agenda lists them "
                                                   "per quarter."),
        ("/joint schedule", "Show the meeting schedule and its next three dates. Admins and leads change it: "
                            "`/joint schedule first tue 10:00 prompt 7d`, or the form it opens."),
        ("/joint minutes", "Record the last meeting's outcomes: minutes and action items (owner, due date)."),
        ("/joint plan [2027-Q1]", "Open a quarter's joint business plan: goals, campaigns, budget, expected "
                                  "pipeline and revenue, owners from both teams."),
        ("/joint plan history [2027-Q1]", "Every change to a plan: who, when, what."),
        ("/joint plan export [2027-Q1]", "Post the plan as a CSV file for the finance forecast."),
        ("/joint plan token", "Create the token a forecast tool uses to pull the CSV over HTTPS "
                              "(admins and leads)."),
        ("/joint announce", "Post the next meeting's prompt now instead of waiting (admins and leads)."),
    ],
}
HELP["/joint"] += [
    ("/joint scorecard [2027-Q1]", "The shared numbers of the last four quarters (plan vs actual, intel, unhappy "
                                   "customers, CSAT, wins and losses), posted with a chart to the joint channel."),
    ("/joint actuals [2027-Q1]", "Record what the quarter brought against its plan (form; or one line: "
                                 "`goal | budget spent | pipeline | revenue | owner`) (admins and leads)."),
    ("/joint actuals import", "Paste actuals as CSV (goal,budget_spent,pipeline,revenue,owner); all or none."),
    ("/joint actuals history", "Every change to a quarter's actuals: who, when, how, from what to what."),
    ("/joint actuals token", "The token a finance tool uses to POST actuals to /webhooks/actuals."),
    ("/joint fiscal-year April", "The month the fiscal year starts in, for every quarter Truce shows (admins "
                                 "and leads; January by default)."),
]
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
    ("/truce csat import", "Paste many scores as CSV (customer,score,scale,comment,source); all stored or none."),
]

HELP["/truce"] += [
    ("/truce strategy", "Publish a marketing strategy with a form: title, summary, target segment, key messages, "
                        "link, review date (marketing and leads). The sales channel hears of it."),
    ("/truce strategy add Mid-market push: lead with the ROI calculator",
     "Publish one at once: title, colon, summary."),
    ("/truce strategy search onboarding pricing", "Find strategies (everyone): every word must match; current ones "
                                                  "and best matches first. Also on the Truce Home tab."),
    ("/truce strategy list", "Every current strategy with its number, and the retired ones."),
    ("/truce strategy edit 3", "Change strategy #3, or `retire 3` / `reactivate 3` (marketing and leads); every "
                               "change keeps who and when, and the sales channel hears of it."),
    ("/truce win Acme Corp: the ROI deck won over their CFO 12,000 EUR",
     "Log a won deal: customer, colon, why; optional amount with its currency, `vs:Rival`, `reason:price` "
     "(sales and leads)."),
    ("/truce loss Globex: chose a cheaper tool vs:Initech", "Log a lost deal; `vs:` names who won it."),
    ("/truce winloss", "Log a result with a form: outcome, customer, amount, reason, notes, competitor, date."),
    ("/truce winloss summary 2027-Q1", "A quarter's wins and losses (this one by default): win rate, top loss "
                                       "reasons, competitors, against the quarter before."),
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
