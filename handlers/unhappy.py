"""/unhappy: report at once, the report modal, the message shortcut, list, mine, assign, settings."""

from __future__ import annotations

import json
import logging
import re

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import delivery
from bot.alert_links import ensure_permalink
from bot.blocks.common import esc
from bot.blocks.help import help_blocks, help_text
from bot.blocks.unhappy import SEVERITY_EMOJI
from bot.blocks.unhappy_modals import report_modal, settings_modal
from bot.blocks.unhappy_notes import LIST_MAX, list_message
from bot.ids import Command, UnhappyIds
from bot.ids import UnhappyIds as Ids
from bot.people import display_name, is_admin_or_lead
from bot.services import unhappy, unhappy_owners, unhappy_prefs, workspaces
from bot.services.unhappy import USAGE, ReportDraft, ReportError
from bot.slack_text import echo, plain
from handlers import unhappy_actions, unhappy_reactions
from handlers.common import first_word, input_value, rt_of

log = logging.getLogger(__name__)
USER_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
ASSIGN_USAGE = "/unhappy assign 12 @dana sales"
FIELD_BLOCKS = {"customer": Ids.CUSTOMER_BLOCK, "description": Ids.WHAT_BLOCK, "severity": Ids.SEVERITY_BLOCK,
                "link": Ids.LINK_BLOCK, "contact": Ids.CONTACT_BLOCK, "setup": Ids.CUSTOMER_BLOCK}
SETTINGS_BLOCKS = {
    "emoji_claim": Ids.EMOJI_CLAIM_BLOCK, "emoji_ack": Ids.EMOJI_ACK_BLOCK, "emoji_resolve": Ids.EMOJI_RESOLVE_BLOCK,
    "sla_critical": Ids.SLA_CRITICAL_BLOCK, "sla_high": Ids.SLA_HIGH_BLOCK, "sla_medium": Ids.SLA_MEDIUM_BLOCK,
    "sla_low": Ids.SLA_LOW_BLOCK, "hours": Ids.HOURS_BLOCK, "days": Ids.DAYS_BLOCK, "csat_scale": Ids.SCALE_BLOCK,
}


def register(app: App) -> None:
    app.command(Command.UNHAPPY)(unhappy_command)
    app.view(Ids.REPORT)(report_submitted)
    app.shortcut(UnhappyIds.SHORTCUT)(report_shortcut)
    app.view(Ids.SETTINGS)(settings_submitted)
    unhappy_actions.register(app)
    unhappy_reactions.register(app)


def unhappy_command(ack: Ack, command: dict, client: WebClient, context, respond: Respond) -> None:
    text = command.get("text") or ""
    word, rest = first_word(text)
    typed = f"/unhappy {plain(text)}".strip()
    if word == "":
        ack()
        meta = {"channel": command.get("channel_id"), "source": "modal"}
        client.views_open(trigger_id=command["trigger_id"], view=report_modal(metadata=meta))
    elif word == "help" and not rest:
        ack(text=help_text(Command.UNHAPPY), blocks=help_blocks(Command.UNHAPPY))
    elif word in ("list", "mine") and not rest:
        ack()
        show_list(context=context, respond=respond, mine=word == "mine")
    elif word == "assign":
        ack()
        assign_command(rest=rest, typed=typed, context=context, respond=respond)
    elif word == "settings" and not rest:
        ack()
        open_settings(client=client, context=context, trigger_id=command["trigger_id"], respond=respond)
    else:
        try:
            draft = unhappy.parse_command(text)
        except ReportError as exc:
            ack(text=f":thinking_face: {exc}\nType it like this: `{USAGE}` (or just `/unhappy` for a form).\n"
                     + echo(typed))
            return
        ack()
        report_now(draft=draft, typed=typed, context=context, respond=respond)


def _tell(client: WebClient, respond: Respond | None, *, channel: str | None, user: str, text: str) -> None:
    if respond is not None:
        respond(text=text, response_type="ephemeral", replace_original=False)
    else:
        delivery.send_ephemeral(client, channel=channel or user, user=user, text=text)


def _store(context, draft: ReportDraft) -> tuple[int, str, str, list[delivery.Result]]:
    rt = rt_of(context)
    with rt.session() as session:
        ws = workspaces.ensure_workspace(session=session, team_id=context["team_id"], settings=rt.settings)
        report = unhappy.create_report(session=session, ws=ws, user_id=context["user_id"], draft=draft)
        report_id, channel, row_id = report.id, report.alert_channel, report.alert_outbox_id
        summary = f"*{esc(report.customer)}* ({SEVERITY_EMOJI[report.severity]} {report.severity})"
    results = [r for r in delivery.outcome(session) if r.id == row_id]
    return report_id, channel, summary, results


def confirmation(rt, *, team_id: str, report_id: int, channel: str, summary: str,
                 results: list[delivery.Result]) -> str:
    """What the reporter is told: posted (with a link), queued (Slack slow), or waiting for an invite."""
    result = results[0] if results else None
    if result is not None and result.status == "sent":
        link = ensure_permalink(rt, team_id=team_id, report_id=report_id)
        where = f"in <#{channel}> (<{link}|see it>)" if link else f"in <#{channel}>"
        return (f":white_check_mark: Reported `#{report_id}`: {summary} is {where}. A sales owner and a marketing "
                "owner will claim it together; `/unhappy list` shows where it stands.")
    if result is not None and result.error in delivery.WAIT_FOR_INVITE:
        return (f":warning: Saved `#{report_id}`, but Truce isn't in <#{channel}> yet. Invite it there "
                "(`/invite @Truce`) and the alert is posted at once; nothing is lost.")
    if result is not None and result.status == "failed":
        return (f":warning: Saved `#{report_id}`, but Slack refused the alert ({result.error}). Ask an admin to "
                "check `/truce setup`; the report is kept.")
    return (f":hourglass_flowing_sand: Saved `#{report_id}` ({summary}). Slack is slow right now, so the alert "
            f"will be posted in <#{channel}> in a moment; nothing is lost.")


def report_now(*, draft: ReportDraft, typed: str, context, respond: Respond | None,
               client: WebClient | None = None, channel: str | None = None) -> None:
    rt = rt_of(context)
    try:
        report_id, alerts, summary, results = _store(context, draft)
    except ReportError as exc:
        _tell(client, respond, channel=channel, user=context["user_id"], text=f":warning: {exc}\n" + echo(typed))
        return
    text = confirmation(rt, team_id=context["team_id"], report_id=report_id, channel=alerts, summary=summary,
                        results=results)
    _tell(client, respond, channel=channel, user=context["user_id"], text=text)


def report_shortcut(ack: Ack, shortcut: dict, client: WebClient, context) -> None:
    ack()
    message = shortcut.get("message") or {}
    channel = (shortcut.get("channel") or {}).get("id")
    permalink = None
    try:
        permalink = client.chat_getPermalink(channel=channel, message_ts=shortcut["message_ts"])["permalink"]
    except SlackApiError as exc:  # still report it, without the link
        log.warning("permalink of the reported message: %s", exc.response.get("error"))
    description = plain(message.get("text") or "").strip()
    note = None
    if len(description) > unhappy.DESCRIPTION_MAX:
        note = f"The message was shortened to {unhappy.DESCRIPTION_MAX} characters; the full text is linked."
    author = message.get("user")
    if author and description:
        description = f"{description}\n(from a message by @{display_name(client, author)})"
    meta = {"channel": channel, "source": "shortcut", "permalink": permalink, "source_channel": channel}
    client.views_open(trigger_id=shortcut["trigger_id"],
                      view=report_modal(metadata=meta, description=description, note=note))


def report_submitted(ack: Ack, view: dict, client: WebClient, context) -> None:
    values = view["state"]["values"]
    meta = json.loads(view.get("private_metadata") or "{}")
    draft = ReportDraft(
        customer=input_value(values, Ids.CUSTOMER_BLOCK, Ids.CUSTOMER) or "",
        description=input_value(values, Ids.WHAT_BLOCK, Ids.WHAT) or "",
        severity=input_value(values, Ids.SEVERITY_BLOCK, Ids.SEVERITY) or unhappy_prefs.DEFAULT_SEVERITY,
        link=input_value(values, Ids.LINK_BLOCK, Ids.LINK), contact=input_value(values, Ids.CONTACT_BLOCK, Ids.CONTACT),
        source=meta.get("source") or "modal", source_permalink=meta.get("permalink"),
        source_channel=meta.get("source_channel"),
    )
    try:
        unhappy.validate_draft(draft)
    except ReportError as exc:
        ack(response_action="errors", errors={FIELD_BLOCKS[exc.field]: str(exc)})
        return
    rt = rt_of(context)
    with rt.session() as session:
        ws = workspaces.ensure_workspace(session=session, team_id=context["team_id"], settings=rt.settings)
        has_alerts = bool(ws.alerts_channel)
    if not has_alerts:
        ack(response_action="errors", errors={Ids.CUSTOMER_BLOCK: "Truce has no customer-alerts channel yet: ask "
                                                                "an admin or lead to run /truce setup."})
        return
    ack()
    typed = f"{draft.customer}: {draft.description}"
    report_now(draft=draft, typed=typed, context=context, respond=None, client=client, channel=meta.get("channel"))


def show_list(*, context, respond: Respond, mine: bool) -> None:
    rt = rt_of(context)
    with rt.session() as session:
        reports = unhappy.list_open(session=session, team_id=context["team_id"],
                                    owner=context["user_id"] if mine else None)
    for report in reports[:LIST_MAX]:
        if not report.alert_permalink:  # posted while Slack was slow: fetch its link once
            report.alert_permalink = ensure_permalink(rt, team_id=report.team_id, report_id=report.id)
    text, blocks = list_message(reports, mine=mine)
    respond(text=text, blocks=blocks, response_type="ephemeral")


def assign_command(*, rest: str, typed: str, context, respond: Respond) -> None:
    parts = rest.split()
    number = parts[0].lstrip("#") if parts else ""
    match = USER_MENTION.match(parts[1]) if len(parts) > 1 else None
    team = parts[2].lower() if len(parts) > 2 else None
    if len(parts) not in (2, 3) or not number.isdigit() or match is None or team not in (None, "sales", "marketing"):
        respond(text=f"I couldn't read that. Assign an owner like this: `{ASSIGN_USAGE}` (the team is optional "
                     "when they are on only one).\n" + echo(typed), response_type="ephemeral")
        return
    rt, assignee = rt_of(context), match.group(1)
    ensure_permalink(rt, team_id=context["team_id"], report_id=int(number))
    try:
        with rt.session() as session:
            ws = workspaces.ensure_workspace(session=session, team_id=context["team_id"], settings=rt.settings)
            report = unhappy_owners.load(session=session, ws=ws, report_id=int(number))
            team = team or _team_for(session, ws, report, assignee)
            change = unhappy_owners.assign(session=session, ws=ws, report_id=report.id, lead=context["user_id"],
                                           team=team, assignee=assignee)
    except unhappy_owners.ActionRefused as exc:
        respond(text=f":no_entry: {exc}\n" + echo(typed), response_type="ephemeral")
        return
    text = (f"<@{assignee}> owns the {team} side of `#{number}` now; they got a DM."
            if change.changed else f"<@{assignee}> already owns the {team} side of `#{number}`.")
    respond(text=text, response_type="ephemeral")


def _team_for(session, ws, report, assignee: str) -> str:
    on = unhappy_owners.teams(session=session, ws=ws, user_id=assignee)
    if len(on) == 1:
        return next(iter(on))
    if not on:
        raise unhappy_owners.ActionRefused(f"<@{assignee}> is on neither team. `/truce team @someone sales` puts "
                                           "someone on a team.")
    raise unhappy_owners.ActionRefused(f"<@{assignee}> is on both teams: say which side, like "
                                       f"`/unhappy assign {report.id} @someone sales`.")


def open_settings(*, client: WebClient, context, trigger_id: str, respond: Respond) -> None:
    rt = rt_of(context)
    with rt.session() as session:
        ws = workspaces.ensure_workspace(session=session, team_id=context["team_id"], settings=rt.settings)
    if not is_admin_or_lead(client, ws, context["user_id"]):
        respond(text="Only a Slack admin or a Truce lead can change how customer alerts behave. "
                     "`/unhappy help` shows what everyone can do.", response_type="ephemeral")
        return
    client.views_open(trigger_id=trigger_id, view=settings_modal(unhappy_prefs.get_prefs(ws)))


def settings_submitted(ack: Ack, view: dict, client: WebClient, context) -> None:
    values = view["state"]["values"]

    def value(block: str):
        return input_value(values, block, Ids.VALUE)

    data = unhappy_prefs.PrefsInput(
        emoji={"claim": value(Ids.EMOJI_CLAIM_BLOCK) or "", "ack": value(Ids.EMOJI_ACK_BLOCK) or "",
               "resolve": value(Ids.EMOJI_RESOLVE_BLOCK) or ""},
        sla={s: value(getattr(Ids, f"SLA_{s.upper()}_BLOCK")) or "" for s in unhappy_prefs.SEVERITIES},
        hours=value(Ids.HOURS_BLOCK) or "", days=value(Ids.DAYS_BLOCK) or [], csat_scale=value(Ids.SCALE_BLOCK) or "",
    )
    try:
        unhappy_prefs.validate_prefs(data)
    except unhappy_prefs.PrefsError as exc:
        ack(response_action="errors", errors={SETTINGS_BLOCKS[exc.field]: str(exc)})
        return
    rt = rt_of(context)
    with rt.session() as session:
        ws = workspaces.ensure_workspace(session=session, team_id=context["team_id"], settings=rt.settings)
    if not is_admin_or_lead(client, ws, context["user_id"]):
        ack(response_action="errors", errors={Ids.EMOJI_CLAIM_BLOCK: "Only a Slack admin or a Truce lead can "
                                                                   "change these settings."})
        return
    ack()
    with rt.session() as session:
        ws = workspaces.ensure_workspace(session=session, team_id=context["team_id"], settings=rt.settings)
        prefs = unhappy_prefs.save_prefs(session=session, ws=ws, data=data)
        delivery.queue_post(session, team_id=ws.team_id, channel=context["user_id"], text=(
            f":white_check_mark: Customer-alert settings saved. Claim :{prefs.emoji['claim']}:, acknowledge "
            f":{prefs.emoji['ack']}:, resolve :{prefs.emoji['resolve']}:. Reminders after: "
            + ", ".join(f"{s} {prefs.sla[s].text}" for s in unhappy_prefs.SEVERITIES)
            + f". Working hours {prefs.hours_text} ({prefs.days_text}, {prefs.timezone}). "
            f"A bare satisfaction score is out of {prefs.csat_scale}."))
