"""/truce strategy: publish, edit, retire (marketing and leads); list and search (everyone); the Home buttons."""

from __future__ import annotations

import re
from datetime import date

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.block_kit import esc
from bot.ids import PlaybookIds as Ids
from bot.models import Workspace
from bot.playbook import strategies, strategy_search
from bot.playbook.blocks_strategies import list_message, search_message
from bot.playbook.blocks_strategy_forms import search_modal, strategy_modal
from bot.playbook.strategies import ADD_USAGE, StrategyDraft
from bot.runtime import Runtime
from bot.setup.blocks_help import HELP
from bot.setup.team import Team
from bot.slack_text import echo, plain
from bot.user_error import UserError
from handlers.common import first_word, in_background, input_value, later, record_id, view_metadata
from handlers.playbook.common import may_write, notice_outcome, send_notice, tell, tell_now
from handlers.setup.home import publish_home

NUMBER = re.compile(r"^#?(\d{1,9})$")
FIELD_BLOCKS = {"title": Ids.TITLE_BLOCK, "summary": Ids.SUMMARY_BLOCK, "segment": Ids.SEGMENT_BLOCK,
                "key_messages": Ids.MESSAGES_BLOCK, "link": Ids.LINK_BLOCK, "status": Ids.STATUS_BLOCK,
                "id": Ids.TITLE_BLOCK, "review_by": Ids.REVIEW_BLOCK}
REFUSED = ("Only the marketing team and Truce leads publish and change marketing strategies. Everyone can read "
           "them: `/truce strategy search &lt;words&gt;`, `/truce strategy list`, or the Truce Home tab.")
WHAT_TO_TYPE = ("`/truce strategy` (a form), `/truce strategy add Title: summary`, "
                "`/truce strategy search &lt;words&gt;`, `/truce strategy list`, `/truce strategy edit 3`, "
                "`/truce strategy retire 3`, `/truce strategy reactivate 3`")


def strategy_help() -> str:
    return "\n".join(f"`{u}` — {w}" for u, w in HELP["/truce"] if u.startswith("/truce strategy"))


def strategy_command(*, ack: Ack, command: dict, client: WebClient, context: BoltContext, rt: Runtime, ws: Workspace,
                     respond: Respond, rest: str) -> None:
    word, more = first_word(rest)
    typed = f"/truce strategy {plain(rest)}".strip()
    number = NUMBER.match(more)
    if word == "" or (word == "add" and not more):
        ack()
        open_modal(client=client, context=context, rt=rt, ws=ws, trigger_id=command["trigger_id"], strategy_id=None,
                   channel=command.get("channel_id"), respond=respond)
    elif word == "help" and not more:
        ack(text=strategy_help())
    elif word == "add":
        try:
            draft = strategies.parse_add(more)
        except UserError as exc:
            ack(text=f":thinking_face: {exc}\nType it like this: `{ADD_USAGE}` (or just `/truce strategy` for a "
                     f"form).\n" + echo(typed))
            return
        publish_now(ack=ack, draft=draft, typed=typed, client=client, context=context, rt=rt, ws=ws, respond=respond)
    elif word == "search":
        if not more:
            ack()
            later(context, client.views_open, trigger_id=command["trigger_id"], view=search_modal())
            return
        text, blocks = show_search(query=more, context=context, rt=rt, ws=ws)
        ack(text=text, blocks=blocks)
    elif word == "list" and not more:
        text, blocks = show_list(context=context, rt=rt, ws=ws)
        ack(text=text, blocks=blocks)
    elif word in ("edit", "retire", "reactivate") and number:
        strategy_id = int(number.group(1))
        if word == "edit":
            ack()
            open_modal(client=client, context=context, rt=rt, ws=ws, trigger_id=command["trigger_id"],
                       strategy_id=strategy_id,
                       channel=command.get("channel_id"), respond=respond)
        else:
            ack(text=change_status(client=client, context=context, rt=rt, ws=ws, respond=respond,
                                   strategy_id=strategy_id,
                                   status="retired" if word == "retire" else "active", typed=typed))
    elif word in ("edit", "retire", "reactivate"):
        ack(text=f":thinking_face: Which strategy? Give its number, like `/truce strategy {word} 3` "
                 "(`/truce strategy list` shows the numbers).\n" + echo(typed))
    else:
        ack(text=f":thinking_face: I don't know `{esc(typed)}`. Type one of: {WHAT_TO_TYPE}.\n" + echo(typed))


def show_list(*, context: BoltContext, rt: Runtime, ws: Workspace) -> tuple[str, list]:
    with rt.session() as session:
        active = strategies.list_by_status(session=session, team_id=context["team_id"])
        retired = strategies.list_by_status(session=session, team_id=context["team_id"], status="retired")
    return list_message(active, retired, strategies.today_in(ws))


def show_search(*, query: str, context: BoltContext, rt: Runtime, ws: Workspace) -> tuple[str, list]:
    with rt.session() as session:
        result = strategy_search.search(session=session, team_id=context["team_id"], text=query)
    return search_message(result, plain(query), strategies.today_in(ws))


def open_modal(*, client: WebClient, context: BoltContext, rt: Runtime, ws: Workspace, trigger_id: str,
               strategy_id: int | None, channel: str | None, respond: Respond | None, home: bool = False) -> None:
    user_id = context["user_id"]
    if not may_write(rt, ws, context["user_id"], Team.MARKETING):
        tell(context, client, respond, user=user_id, channel=channel, text=REFUSED)
        return
    strategy = None
    if strategy_id is not None:
        with rt.session() as session:
            strategy = strategies.get(session=session, team_id=context["team_id"], strategy_id=strategy_id)
        if strategy is None:
            tell(context, client, respond, user=user_id, channel=channel,
                 text=f"I can't find strategy `#{strategy_id}`. `/truce strategy list` shows them with their numbers.")
            return
    meta = {"id": strategy_id, "version": strategy.version if strategy else None, "channel": channel, "home": home}
    later(context, client.views_open, trigger_id=trigger_id, view=strategy_modal(strategy=strategy, metadata=meta))


def _confirmation(change: strategies.Change, ws_sales: str | None, *, verb: str) -> str:
    s = change.strategy
    if change.revision is None:
        return f"Nothing changed in `#{s.id}` *{esc(s.title)}*, so nobody was told."
    told = notice_outcome(None, change.notice.id if change.notice else None, ws_sales, who="Salespeople")
    where = " It's on everyone's Truce Home tab." if s.status == "active" else ""
    return f":white_check_mark: {verb} `#{s.id}` *{esc(s.title)}*.{told}{where}"


def _send_notice(context: BoltContext, rt: Runtime, client: WebClient, respond: Respond | None, session,
                 change: strategies.Change, ws_sales: str | None, *, channel: str | None = None) -> None:
    """After the answer: the notice to salespeople goes out; the person hears only of a problem."""
    user = context["user_id"]
    notice_id = change.notice.id if change.notice else None
    in_background(context, send_notice, rt, rt.take_queued(session), notice_id, ws_sales, who="Salespeople",
                  tell_problem=lambda text: tell_now(client, respond, user=user, channel=channel, text=text))


def publish_now(*, ack: Ack, draft: StrategyDraft, typed: str, client: WebClient, context: BoltContext, rt: Runtime,
                ws: Workspace, respond: Respond) -> None:
    if not may_write(rt, ws, context["user_id"], Team.MARKETING):
        ack(text=f"{REFUSED}\n" + echo(typed))
        return
    with rt.session(deliver=False) as session:
        change = strategies.publish(session=session, ws=ws, user_id=context["user_id"], draft=draft)
    ack(text=_confirmation(change, ws.sales_channel, verb="Published"))
    _send_notice(context, rt, client, respond, session, change, ws.sales_channel)


def _draft(values: dict) -> StrategyDraft:
    review = input_value(values, Ids.REVIEW_BLOCK, Ids.VALUE)
    try:
        review_by = date.fromisoformat(str(review)) if review else None
    except ValueError:
        raise UserError("Pick the review date from the calendar (like 2027-03-31).", field="review_by") from None
    return StrategyDraft(
        title=input_value(values, Ids.TITLE_BLOCK, Ids.VALUE) or "",
        summary=input_value(values, Ids.SUMMARY_BLOCK, Ids.VALUE) or "",
        segment=input_value(values, Ids.SEGMENT_BLOCK, Ids.VALUE),
        key_messages=input_value(values, Ids.MESSAGES_BLOCK, Ids.VALUE),
        link=input_value(values, Ids.LINK_BLOCK, Ids.VALUE),
        status=input_value(values, Ids.STATUS_BLOCK, Ids.VALUE) or "active",
        review_by=review_by,
    )


def strategy_submitted(ack: Ack, view: dict, client: WebClient, context: BoltContext, rt: Runtime,
                       ws: Workspace) -> None:
    meta = view_metadata(view)
    try:
        draft = strategies.validate(_draft(view["state"]["values"]))
    except UserError as exc:
        ack(response_action="errors", errors={exc.block_in(FIELD_BLOCKS): str(exc)})
        return
    if not may_write(rt, ws, context["user_id"], Team.MARKETING):
        ack(response_action="errors", errors={Ids.TITLE_BLOCK: "Only the marketing team and Truce leads publish "
                                                              "and change strategies."})
        return
    try:  # saved before ack(): if it can't be, the form stays open with everything typed in it
        with rt.session(deliver=False) as session:
            if meta.get("id") is None:
                change = strategies.publish(session=session, ws=ws, user_id=context["user_id"], draft=draft)
            else:
                change = strategies.update_strategy(session=session, ws=ws, strategy_id=meta["id"],
                                                    user_id=context["user_id"], draft=draft, version=meta["version"])
    except UserError as exc:
        ack(response_action="errors", errors={exc.block_in(FIELD_BLOCKS): str(exc)})
        return
    ack()
    verb = "Published" if meta.get("id") is None else "Saved"
    tell(context, client, None, user=context["user_id"], channel=meta.get("channel"),
         text=_confirmation(change, ws.sales_channel, verb=verb))
    _send_notice(context, rt, client, None, session, change, ws.sales_channel, channel=meta.get("channel"))
    if meta.get("home"):
        publish_home(client=client, context=context, rt=rt, user_id=context["user_id"])


def change_status(*, client: WebClient, context: BoltContext, rt: Runtime, ws: Workspace, respond: Respond | None,
                  strategy_id: int, status: str, typed: str | None = None, home: bool = False) -> str:
    """Retire or bring back a strategy; returns what to tell the person."""
    if not may_write(rt, ws, context["user_id"], Team.MARKETING):
        return REFUSED + ("\n" + echo(typed) if typed else "")
    try:
        with rt.session(deliver=False) as session:
            change = strategies.set_status(session=session, ws=ws, strategy_id=strategy_id,
                                           user_id=context["user_id"], status=status)
    except UserError as exc:
        return str(exc)
    s = change.strategy
    if change.revision is None:
        text = f"`#{s.id}` *{esc(s.title)}* is already {'retired' if status == 'retired' else 'current'}."
    else:
        text = _confirmation(change, ws.sales_channel, verb="Retired" if status == "retired" else "Brought back")
        if status == "retired":
            text += f" `/truce strategy reactivate {s.id}` brings it back."
    _send_notice(context, rt, client, respond, session, change, ws.sales_channel)
    if home:
        publish_home(client=client, context=context, rt=rt, user_id=context["user_id"])
    return text


def publish_clicked(ack: Ack, body: dict, client: WebClient, context: BoltContext, rt: Runtime, ws: Workspace) -> None:
    ack()
    open_modal(client=client, context=context, rt=rt, ws=ws, trigger_id=body["trigger_id"], strategy_id=None,
               channel=None,
               respond=None, home=True)


def more_chosen(ack: Ack, body: dict, client: WebClient, context: BoltContext, rt: Runtime, ws: Workspace) -> None:
    choice, _, raw_id = body["actions"][0]["selected_option"]["value"].partition(":")
    strategy_id = record_id(raw_id, "strategy")
    if choice == "edit":
        ack()
        open_modal(client=client, context=context, rt=rt, ws=ws, trigger_id=body["trigger_id"], strategy_id=strategy_id,
                   channel=None, respond=None, home=True)
    else:
        text = change_status(client=client, context=context, rt=rt, ws=ws, respond=None, strategy_id=strategy_id,
                             status="retired", home=True)
        ack()
        tell(context, client, None, user=context["user_id"], channel=None, text=text)
