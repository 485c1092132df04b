"""The features Truce is made of, in order: the one list the app (listeners, `/truce` words, reactions,
message events), the scheduler, the web server, App Home and the joint meeting's agenda read (through
`Runtime.features`, which build_app sets). A new feature is one more `Feature` here (see bot/feature.py).

This module and bot.app are where the product is put together: the only ones in bot/ that import
handlers and jobs.
"""

from __future__ import annotations

from bot.competitors import agenda as competitors_agenda
from bot.competitors import home as competitors_home
from bot.feature import Feature
from bot.intel import home as intel_home
from bot.intel import reports as intel_reports
from bot.joint import home as joint_home
from bot.playbook import home as playbook_home
from bot.playbook import strategies, winloss_summary
from bot.scorecard import agenda as scorecard_agenda
from bot.scorecard import home as scorecard_home
from bot.unhappy import agenda as unhappy_agenda
from bot.unhappy import csat_reports
from bot.unhappy import home as unhappy_home
from handlers import dispatch
from handlers.competitors import actions as competitor_actions
from handlers.competitors import feedback as intel_feedback
from handlers.deals import answers as deal_answers
from handlers.deals import command as deal_command
from handlers.deals import webhook as deal_webhook
from handlers.intel import actions as intel_actions
from handlers.intel import command as intel_command
from handlers.intel import events as intel_events
from handlers.joint import command as joint_command
from handlers.joint import meeting as joint_meeting
from handlers.joint import plan as joint_plan
from handlers.playbook import strategies as strategy_listeners
from handlers.playbook import strategy_search, winloss
from handlers.scorecard import command as scorecard_command
from handlers.scorecard import forms as scorecard_forms
from handlers.scorecard import webhook as scorecard_webhook
from handlers.setup import home, install, membership, truce
from handlers.unhappy import actions as unhappy_actions
from handlers.unhappy import command as unhappy_command
from handlers.unhappy import csat, csat_import
from handlers.unhappy import reactions as unhappy_reactions
from jobs import competitors as competitor_jobs
from jobs import deals as deal_jobs
from jobs import housekeeping, members, outbox, tasks
from jobs import intel as intel_jobs
from jobs import joint as joint_jobs
from jobs import scorecard as scorecard_jobs
from jobs import unhappy as unhappy_jobs

# The machinery every feature relies on: reactions and message events handed to the features, the
# outbox's retries, durable tasks that did not finish, and forgetting old event ids.
CORE = Feature(
    name="core",
    listeners=(dispatch.register,),
    jobs=(*outbox.JOBS, *tasks.JOBS, *housekeeping.JOBS),
)

# /truce (help, setup, team, whoami), membership and who people are, uninstalls, the App Home tab.
SETUP = Feature(
    name="setup",
    listeners=(truce.register, membership.register, home.register, install.register),
    jobs=members.JOBS,
)

# /unhappy: customer-unhappiness reports, their alert, owners, reminders; satisfaction scores (CSAT).
UNHAPPY = Feature(
    name="unhappy",
    listeners=(unhappy_command.register, unhappy_actions.register, csat_import.register),
    jobs=unhappy_jobs.JOBS,
    truce_commands={"csat": csat.csat_command},
    reactions=unhappy_reactions.on_reaction,
    routes={("POST", csat.WEBHOOK_PATH): csat.csat_webhook},
    home_section=unhappy_home.section,
    agenda_sections=(unhappy_agenda.agenda_section, csat_reports.agenda_section),
)

# /intel: market-intelligence shares, search, the weekly digest.
INTEL = Feature(
    name="intel",
    listeners=(intel_command.register, intel_actions.register),
    jobs=intel_jobs.JOBS,
    reactions=intel_events.on_reaction,
    messages=intel_events.on_message,
    home_section=intel_home.section,
    agenda_sections=(intel_reports.agenda_section,),
    tasks=intel_events.TASKS,
)

# /joint: the quarterly joint meeting, its agenda, outcomes and action items, the joint business plan.
JOINT = Feature(
    name="joint",
    listeners=(joint_command.register, joint_meeting.register, joint_plan.register),
    jobs=joint_jobs.JOBS,
    routes={("GET", joint_plan.EXPORT_PATH): joint_plan.export_route},
    home_section=joint_home.section,
)

# The playbook: marketing strategies (/truce strategy) and the win/loss log (/truce win, loss, winloss).
PLAYBOOK = Feature(
    name="playbook",
    listeners=(strategy_listeners.register, strategy_search.register, winloss.register),
    truce_commands={"strategy": strategy_listeners.strategy_command,
                    "strategies": strategy_listeners.strategy_command,
                    "win": winloss.win_command, "loss": winloss.loss_command, "winloss": winloss.winloss_command},
    home_section=playbook_home.section,
    agenda_sections=(winloss_summary.agenda_section, strategies.agenda_section),
)

# Competitors: one list per workspace (every spelling one competitor), battlecards (`/intel vs Name`, the
# button on shares that name one, App Home), lead commands (`/intel competitors …`); what the receiving team
# did with each share (Acted on, Used in a deal, Not relevant) and the sharer's weekly DM about it.
COMPETITORS = Feature(
    name="competitors",
    listeners=(competitor_actions.register, intel_feedback.register),
    jobs=competitor_jobs.JOBS,
    home_section=competitors_home.section,
    agenda_sections=(competitors_agenda.agenda_section,),
)

# Closed deals from the CRM (POST /webhooks/deal, /truce deals import): the owner, found by e-mail, gets the
# prefilled win/loss form in a DM (one reminder two working days later); the answer goes into the win/loss log.
DEALS = Feature(
    name="deals",
    listeners=(deal_answers.register, deal_command.register),
    jobs=deal_jobs.JOBS,
    truce_commands={"deals": deal_command.deals_command},
    routes={("POST", deal_webhook.WEBHOOK_PATH): deal_webhook.deal_webhook},
    tasks=deal_webhook.TASKS,
)

# The joint scorecard: actuals beside the plan (/joint actuals, its forms, POST /webhooks/actuals), the shared
# numbers of the last four quarters (/joint scorecard, the prompt's chart, App Home, the agenda), the fiscal
# year's start (/joint fiscal-year) that sets every feature's quarters (bot/quarters.py).
SCORECARD = Feature(
    name="scorecard",
    listeners=(scorecard_forms.register,),
    jobs=scorecard_jobs.JOBS,
    joint_commands={"scorecard": scorecard_command.scorecard_command, "actuals": scorecard_command.actuals_command,
                    "fiscal-year": scorecard_command.fiscal_year_command},
    routes={("POST", scorecard_webhook.WEBHOOK_PATH): scorecard_webhook.actuals_webhook_route},
    home_section=scorecard_home.home_section,
    agenda_sections=(scorecard_agenda.agenda_section,),
    tasks=scorecard_jobs.TASKS,
)

FEATURES: tuple[Feature, ...] = (CORE, SETUP, UNHAPPY, INTEL, JOINT, PLAYBOOK, COMPETITORS, DEALS, SCORECARD)
