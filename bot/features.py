"""The features Truce is made of, in order: the one list the app (listeners, `/truce` words, reactions,
message events), the scheduler, the web server, App Home and the joint meeting's agenda read (through
`Runtime.features`, which build_app sets). A new feature is one more `Feature` here (see bot/feature.py).

This module and bot.app are where the product is put together: the only ones in bot/ that import
handlers and jobs. What a feature plugs in is named with `lazy` (bot/lazy.py), its listeners registered
through `listener` (handlers/<feature>/listeners.py): a process imports a feature's handlers, jobs, block
builders and tables when it first uses them, not at start-up.
"""

from __future__ import annotations

from datetime import timedelta

from bot import ids
from bot.feature import Feature, Job
from bot.lazy import lazy
from handlers import dispatch
from handlers.competitors import listeners as competitor_listeners
from handlers.deals import listeners as deal_listeners
from handlers.intel import listeners as intel_listeners
from handlers.joint import listeners as joint_listeners
from handlers.playbook import listeners as playbook_listeners
from handlers.scorecard import listeners as scorecard_listeners
from handlers.setup import listeners as setup_listeners
from handlers.unhappy import listeners as unhappy_listeners
from jobs import ids as job_ids

# The machinery every feature relies on: reactions and message events handed to the features, the
# outbox's retries, durable tasks that did not finish, and forgetting old event ids.
CORE = Feature(
    name="core",
    listeners=(dispatch.register,),
    jobs=(Job(lazy("jobs.outbox", "retry_due"), "interval", job_ids.OUTBOX_RETRY, {"seconds": 15}),
          Job(lazy("jobs.tasks", "run_due"), "interval", job_ids.TASKS_RETRY, {"seconds": 15}),
          Job(lazy("jobs.tasks", "run_accepted"), "interval", job_ids.ACCEPTED_RETRY, {"seconds": 5}),
          Job(lazy("jobs.housekeeping", "clean"), "interval", job_ids.HOUSEKEEPING, {"hours": 24})),
)

# /truce (help, setup, team, whoami), membership and who people are, uninstalls, the App Home tab.
SETUP = Feature(
    name="setup",
    listeners=(setup_listeners.register,),
    # Also once right after start: every workspace's people (names, Slack admins) and teams are read
    # anew, so admin checks (answered from the database) know of admins made while Truce was down.
    jobs=(Job(lazy("jobs.members", "refresh_all"), "interval", job_ids.MEMBERS_REFRESH, {"hours": 1},
              first_run_after=timedelta(seconds=5)),),
)

# /unhappy: customer-unhappiness reports, their alert, owners, reminders; satisfaction scores (CSAT).
UNHAPPY = Feature(
    name="unhappy",
    listeners=(unhappy_listeners.register,),
    jobs=(Job(lazy("jobs.unhappy", "send_reminders"), "interval", job_ids.UNHAPPY_REMINDERS, {"minutes": 1}),
          Job(lazy("jobs.unhappy", "send_csat_digests"), "interval", job_ids.CSAT_DIGEST, {"minutes": 15})),
    truce_commands={"csat": lazy("handlers.unhappy.csat", "csat_command")},
    reactions=lazy("handlers.unhappy.reactions", "on_reaction"),
    routes={("POST", ids.CSAT_WEBHOOK_PATH): lazy("handlers.unhappy.csat", "csat_webhook")},
    home_section=lazy("bot.unhappy.home", "section"),
    agenda_sections=(lazy("bot.unhappy.agenda", "agenda_section"), lazy("bot.unhappy.csat_reports", "agenda_section")),
)

# /intel: market-intelligence shares, search, the weekly digest.
INTEL = Feature(
    name="intel",
    listeners=(intel_listeners.register,),
    jobs=(Job(lazy("jobs.intel", "post_digests"), "cron", job_ids.INTEL_DIGEST, {"minute": "*/5"}),),
    reactions=lazy("handlers.intel.events", "on_reaction"),
    messages=lazy("handlers.intel.events", "on_message"),
    home_section=lazy("bot.intel.home", "section"),
    agenda_sections=(lazy("bot.intel.reports", "agenda_section"),),
    tasks={ids.SHARE_REACTED_TASK: lazy("handlers.intel.events", "share_reacted")},
)

# /joint: the quarterly joint meeting, its agenda, outcomes and action items, the joint business plan.
JOINT = Feature(
    name="joint",
    listeners=(joint_listeners.register,),
    jobs=(Job(lazy("jobs.joint", "run_due"), "interval", job_ids.JOINT_DUE, {"minutes": 1}),),
    routes={("GET", ids.PLAN_EXPORT_PATH): lazy("handlers.joint.plan", "export_route")},
    home_section=lazy("bot.joint.home", "section"),
)

# The playbook: marketing strategies (/truce strategy) and the win/loss log (/truce win, loss, winloss).
PLAYBOOK = Feature(
    name="playbook",
    listeners=(playbook_listeners.register,),
    truce_commands={"strategy": lazy("handlers.playbook.strategies", "strategy_command"),
                    "strategies": lazy("handlers.playbook.strategies", "strategy_command"),
                    "win": lazy("handlers.playbook.winloss", "win_command"),
                    "loss": lazy("handlers.playbook.winloss", "loss_command"),
                    "winloss": lazy("handlers.playbook.winloss", "winloss_command")},
    home_section=lazy("bot.playbook.home", "section"),
    agenda_sections=(lazy("bot.playbook.winloss_summary", "agenda_section"),
                     lazy("bot.playbook.strategies", "agenda_section")),
)

# Competitors: one list per workspace (every spelling one competitor), battlecards (`/intel vs Name`, the
# button on shares that name one, App Home), lead commands (`/intel competitors …`); what the receiving team
# did with each share (Acted on, Used in a deal, Not relevant) and the sharer's weekly DM about it.
COMPETITORS = Feature(
    name="competitors",
    listeners=(competitor_listeners.register,),
    jobs=(Job(lazy("jobs.competitors", "send_weekly_news"), "cron", job_ids.INTEL_FEEDBACK_WEEKLY,
              {"minute": "*/5"}),),
    home_section=lazy("bot.competitors.home", "section"),
    agenda_sections=(lazy("bot.competitors.agenda", "agenda_section"),),
)

# Closed deals from the CRM (POST /webhooks/deal, /truce deals import): the owner, found by e-mail, gets the
# prefilled win/loss form in a DM (one reminder two working days later); the answer goes into the win/loss log.
DEALS = Feature(
    name="deals",
    listeners=(deal_listeners.register,),
    jobs=(Job(lazy("jobs.deals", "send_reminders"), "cron", job_ids.DEAL_REMINDERS, {"minute": "*/5"}),),
    truce_commands={"deals": lazy("handlers.deals.command", "deals_command")},
    routes={("POST", ids.DEAL_WEBHOOK_PATH): lazy("handlers.deals.webhook", "deal_webhook")},
    tasks={ids.FIND_OWNER_TASK: lazy("handlers.deals.webhook", "find_owner")},
)

# The joint scorecard: actuals beside the plan (/joint actuals, its forms, POST /webhooks/actuals), the shared
# numbers of the last four quarters (/joint scorecard, the prompt's chart, App Home, the agenda), the fiscal
# year's start (/joint fiscal-year) that sets every feature's quarters (bot/quarters.py).
SCORECARD = Feature(
    name="scorecard",
    listeners=(scorecard_listeners.register,),
    jobs=(Job(lazy("jobs.scorecard", "run_due"), "interval", job_ids.SCORECARD_PROMPT_CHART, {"minutes": 1}),),
    joint_commands={"scorecard": lazy("handlers.scorecard.command", "scorecard_command"),
                    "actuals": lazy("handlers.scorecard.command", "actuals_command"),
                    "fiscal-year": lazy("handlers.scorecard.command", "fiscal_year_command")},
    routes={("POST", ids.ACTUALS_WEBHOOK_PATH): lazy("handlers.scorecard.webhook", "actuals_webhook_route")},
    home_section=lazy("bot.scorecard.home", "home_section"),
    agenda_sections=(lazy("bot.scorecard.agenda", "agenda_section"),),
    tasks={ids.CHART_TASK: lazy("jobs.scorecard", "post_chart")},
)

FEATURES: tuple[Feature, ...] = (CORE, SETUP, UNHAPPY, INTEL, JOINT, PLAYBOOK, COMPETITORS, DEALS, SCORECARD)
