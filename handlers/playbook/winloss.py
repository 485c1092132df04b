"""/truce win, /truce loss, /truce winloss [summary]: the win/loss log (sales and leads log, everyone reads)."""

from __future__ import annotations

from datetime import date

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.block_kit import esc
from bot.clock import now
from bot.competitors import citations
from bot.ids import PlaybookIds as Ids
from bot.models import Workspace
from bot.playbook import winloss
from bot.playbook.blocks_winloss import recorded_message, summary_message, winloss_modal
from bot.playbook.strategies import today_in
from bot.playbook.winloss import USAGE, WinLossDraft
from bot.playbook.winloss_summary import current_quarter, quarter_stats
from bot.quarters import parse_quarter, shift_quarter
from bot.runtime import Runtime
from bot.setup.blocks_help import HELP
from bot.setup.team import Team
from bot.slack_text import echo, plain
from bot.user_error import UserError
from handlers.common import first_word, input_value, later, record_id, view_metadata
from handlers.playbook.common import may_edit, may_write, tell

FIELD_BLOCKS = {"outcome": Ids.OUTCOME_BLOCK, "customer": Ids.CUSTOMER_BLOCK, "reason": Ids.REASON_BLOCK,
                "notes": Ids.NOTES_BLOCK, "competitor": Ids.COMPETITOR_BLOCK, "amount": Ids.AMOUNT_BLOCK,
                "currency": Ids.CURRENCY_BLOCK, "closed_on": Ids.CLOSED_BLOCK, "intel": Ids.INTEL_BLOCK}
REFUSED = ("Only the sales team and Truce leads log wins and losses. Everyone can read them: "
           "`/truce winloss summary`.")
EDIT_REFUSED = "Only the person who logged a result, a Truce lead or a Slack admin can correct it."
WORDS = {"win": "won", "won": "won", "loss": "lost", "lost": "lost"}


def winloss_help() -> str:
    return "\n".join(f"`{u}` — {w}" for u, w in HELP["/truce"]
                     if u.startswith(("/truce win", "/truce loss")))


def win_command(**kw) -> None:
    log_result(outcome="won", word="win", **kw)


def loss_command(**kw) -> None:
    log_result(outcome="lost", word="loss", **kw)


def log_result(*, outcome: str, word: str, ack: Ack, command: dict, client: WebClient, context: BoltContext,
               rt: Runtime, ws: Workspace, respond: Respond, rest: str) -> None:
    typed = f"/truce {word} {plain(rest)}".strip()
    if rest.strip().lower() == "help":
        ack(text=winloss_help())
        return
    if not rest.strip():
        ack()
        open_modal(client=client, context=context, rt=rt, ws=ws, trigger_id=command["trigger_id"], outcome=outcome,
                   channel=command.get("channel_id"), respond=respond)
        return
    try:
        draft = winloss.parse_command(outcome, rest)
    except UserError as exc:
        ack(text=f":thinking_face: {exc}\nType it like this: `{USAGE[outcome]}` (or just `/truce {word}` for a "
                 "form).\n" + echo(typed))
        return
    if not may_write(rt, ws, context["user_id"], Team.SALES):
        ack(text=f"{REFUSED}\n" + echo(typed))
        return
    with rt.session() as session:
        entry = winloss.record(session=session, ws=ws, user_id=context["user_id"], draft=draft)
        text, blocks = recorded_message(entry, inferred=not draft.reason_given)
    ack(text=text, blocks=blocks)


def winloss_command(*, ack: Ack, command: dict, client: WebClient, context: BoltContext, rt: Runtime, ws: Workspace,
                    respond: Respond, rest: str) -> None:
    word, more = first_word(rest)
    typed = f"/truce winloss {plain(rest)}".strip()
    if word == "":
        ack()
        open_modal(client=client, context=context, rt=rt, ws=ws, trigger_id=command["trigger_id"], outcome=None,
                   channel=command.get("channel_id"), respond=respond)
    elif word == "help" and not more:
        ack(text=winloss_help())
    elif word == "summary":
        try:
            quarter = parse_quarter(more) if more else None
        except ValueError as exc:
            ack(text=f":thinking_face: {exc} Like this: `/truce winloss summary 2027-Q1` (or no quarter for this "
                     "one).\n" + echo(typed))
            return
        text, blocks = show_summary(context=context, rt=rt, ws=ws, quarter=quarter)
        ack(text=text, blocks=blocks)
    elif word in WORDS:
        log_result(outcome=WORDS[word], word="win" if WORDS[word] == "won" else "loss", ack=ack, command=command,
                   client=client, context=context, rt=rt, ws=ws, respond=respond, rest=more)
    else:
        ack(text=f":thinking_face: I don't know `{esc(typed)}`. Type `/truce win Customer: why`, "
                 "`/truce loss Customer: why`, `/truce winloss` (a form) or `/truce winloss summary [2027-Q1]`.\n"
                 + echo(typed))


def show_summary(*, context: BoltContext, rt: Runtime, ws: Workspace, quarter: str | None) -> tuple[str, list]:
    quarter = quarter or current_quarter(ws, now())
    with rt.session() as session:
        current = quarter_stats(session=session, ws=ws, quarter=quarter)
        previous = quarter_stats(session=session, ws=ws, quarter=shift_quarter(quarter, -1))
    return summary_message(current, previous)


def open_modal(*, client: WebClient, context: BoltContext, rt: Runtime, ws: Workspace, trigger_id: str,
               outcome: str | None, channel: str | None, respond: Respond | None, entry_id: int | None = None) -> None:
    user_id = context["user_id"]
    entry = None
    if entry_id is not None:
        with rt.session() as session:
            entry = winloss.get_entry(session=session, team_id=ws.team_id, entry_id=entry_id)
        if entry is None:
            tell(context, client, respond, user=user_id, channel=channel, text="That result is no longer in the log.")
            return
        if not may_edit(rt, ws, context["user_id"], entry.recorded_by):
            tell(context, client, respond, user=user_id, channel=channel, text=EDIT_REFUSED)
            return
    elif not may_write(rt, ws, context["user_id"], Team.SALES):
        tell(context, client, respond, user=user_id, channel=channel, text=REFUSED)
        return
    closed_on = winloss.closed_on(ws, entry) if entry else today_in(ws)
    with rt.session() as session:
        intel = citations.recent_about(session=session, team_id=ws.team_id,
                                       competitor_id=entry.competitor_id if entry else None)
        cited = citations.cited_ids(session=session, entry=entry) if entry else []
    view = winloss_modal(entry=entry, outcome=outcome, currency=winloss.last_currency(ws), closed_on=closed_on,
                         metadata={"id": entry_id, "channel": channel}, intel=intel, cited=cited)
    later(context, client.views_open, trigger_id=trigger_id, view=view)


def _draft(values: dict) -> WinLossDraft:
    closed = input_value(values, Ids.CLOSED_BLOCK, Ids.VALUE)
    try:
        closed_on = date.fromisoformat(str(closed)) if closed else None
    except ValueError:
        raise UserError("Pick the close date from the calendar (like 2026-11-30).", field="closed_on") from None
    return WinLossDraft(
        outcome=input_value(values, Ids.OUTCOME_BLOCK, Ids.VALUE) or "",
        customer=input_value(values, Ids.CUSTOMER_BLOCK, Ids.VALUE) or "",
        reason=input_value(values, Ids.REASON_BLOCK, Ids.VALUE) or "",
        notes=input_value(values, Ids.NOTES_BLOCK, Ids.VALUE),
        competitor=input_value(values, Ids.COMPETITOR_BLOCK, Ids.VALUE),
        amount=winloss.amount_of(input_value(values, Ids.AMOUNT_BLOCK, Ids.VALUE)),
        currency=input_value(values, Ids.CURRENCY_BLOCK, Ids.VALUE),
        closed_on=closed_on, source="modal",
    )


def winloss_submitted(ack: Ack, view: dict, client: WebClient, context: BoltContext, rt: Runtime,
                      ws: Workspace) -> None:
    meta = view_metadata(view)
    try:
        draft = winloss.validate(_draft(view["state"]["values"]), today=today_in(ws))
    except UserError as exc:
        ack(response_action="errors", errors={exc.block_in(FIELD_BLOCKS): str(exc)})
        return
    entry_id, user_id = meta.get("id"), context["user_id"]
    if entry_id is None and not may_write(rt, ws, context["user_id"], Team.SALES):
        ack(response_action="errors", errors={Ids.OUTCOME_BLOCK: "Only the sales team and Truce leads log results."})
        return
    try:  # saved before ack(): if it can't be, the form stays open with everything typed in it
        with rt.session() as session:
            if entry_id is None:
                entry = winloss.record(session=session, ws=ws, user_id=user_id, draft=draft)
            else:
                current = winloss.get_entry(session=session, team_id=ws.team_id, entry_id=entry_id)
                if current and not may_edit(rt, ws, context["user_id"], current.recorded_by):
                    raise UserError(EDIT_REFUSED, field="outcome")
                entry = winloss.update_entry(session=session, ws=ws, entry_id=entry_id, user_id=user_id, draft=draft)
            chosen = view["state"]["values"].get(Ids.INTEL_BLOCK, {}).get(Ids.VALUE, {}).get("selected_options")
            if chosen is not None or entry_id is None:
                citations.cite(session=session, entry=entry, share_ids=[o.get("value") for o in chosen or []],
                               user_id=user_id)
    except UserError as exc:
        ack(response_action="errors", errors={exc.block_in(FIELD_BLOCKS): str(exc)})
        return
    ack()
    text, blocks = recorded_message(entry, edited=entry_id is not None)
    tell(context, client, None, user=user_id, channel=meta.get("channel"), text=text, blocks=blocks)


def edit_clicked(ack: Ack, body: dict, client: WebClient, context: BoltContext, rt: Runtime, ws: Workspace,
                 respond: Respond) -> None:
    ack()
    channel = (body.get("channel") or {}).get("id")
    open_modal(client=client, context=context, rt=rt, ws=ws, trigger_id=body["trigger_id"], outcome=None,
               channel=channel,
               respond=respond, entry_id=record_id(body["actions"][0]["value"], "win/loss entry"))
