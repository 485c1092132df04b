"""/truce strategy: publish, edit, retire (marketing and leads); list and search (everyone); the Home buttons."""

from __future__ import annotations

import json
import re
from datetime import date

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot import delivery
from bot.blocks.common import esc
from bot.blocks.help import HELP
from bot.blocks.strategies import list_message, search_message
from bot.blocks.strategy_views import strategy_modal
from bot.ids import PlaybookIds as Ids
from bot.services import strategies, strategy_search
from bot.services.members import Team
from bot.services.strategies import ADD_USAGE, StrategyDraft, StrategyError
from bot.slack_text import echo, plain
from handlers import strategy_search_views, truce
from handlers.common import first_word, input_value, rt_of
from handlers.home import publish_home
from handlers.playbook_common import may_write, notice_outcome, tell, workspace_of

NUMBER = re.compile(r"^#?(\d{1,9})$")
FIELD_BLOCKS = {"title": Ids.TITLE_BLOCK, "summary": Ids.SUMMARY_BLOCK, "segment": Ids.SEGMENT_BLOCK,
                "key_messages": Ids.MESSAGES_BLOCK, "link": Ids.LINK_BLOCK, "status": Ids.STATUS_BLOCK,
                "id": Ids.TITLE_BLOCK}
REFUSED = ("Only the marketing team and Truce leads publish and change marketing strategies. Everyone can read "
           "them: `/truce strategy search &lt;words&gt;`, `/truce strategy list`, or the Truce Home tab.")
WHAT_TO_TYPE = ("`/truce strategy` (a form), `/truce strategy add Title: summary`, "
                "`/truce strategy search &lt;words&gt;`, `/truce strategy list`, `/truce strategy edit 3`, "
                "`/truce strategy retire 3`, `/truce strategy reactivate 3`")


def register(app: App) -> None:
    truce.SUBCOMMANDS["strategy"] = strategy_command
    truce.SUBCOMMANDS["strategies"] = strategy_command
    app.view(Ids.STRATEGY_VIEW)(strategy_submitted)
    app.action(Ids.HOME_PUBLISH)(publish_clicked)
    app.action(Ids.HOME_MORE)(more_chosen)
    strategy_search_views.register(app)


def strategy_help() -> str:
    return "\n".join(f"`{u}` — {w}" for u, w in HELP["/truce"] if u.startswith("/truce strategy"))


def strategy_command(*, ack: Ack, command: dict, client: WebClient, context, respond: Respond, rest: str) -> None:
    word, more = first_word(rest)
    typed = f"/truce strategy {plain(rest)}".strip()
    number = NUMBER.match(more)
    if word == "" or (word == "add" and not more):
        ack()
        open_modal(client=client, context=context, trigger_id=command["trigger_id"], strategy_id=None,
                   channel=command.get("channel_id"), respond=respond)
    elif word == "help" and not more:
        ack(text=strategy_help())
    elif word == "add":
        try:
            draft = strategies.parse_add(more)
        except StrategyError as exc:
            ack(text=f":thinking_face: {exc}\nType it like this: `{ADD_USAGE}` (or just `/truce strategy` for a "
                     f"form).\n" + echo(typed))
            return
        ack()
        publish_now(draft=draft, typed=typed, client=client, context=context, respond=respond)
    elif word == "search":
        ack()
        if not more:
            strategy_search_views.open_search(client=client, trigger_id=command["trigger_id"])
            return
        show_search(query=more, context=context, respond=respond)
    elif word == "list" and not more:
        ack()
        show_list(context=context, respond=respond)
    elif word in ("edit", "retire", "reactivate") and number:
        ack()
        strategy_id = int(number.group(1))
        if word == "edit":
            open_modal(client=client, context=context, trigger_id=command["trigger_id"], strategy_id=strategy_id,
                       channel=command.get("channel_id"), respond=respond)
        else:
            change_status(client=client, context=context, respond=respond, strategy_id=strategy_id,
                          status="retired" if word == "retire" else "active", typed=typed)
    elif word in ("edit", "retire", "reactivate"):
        ack(text=f":thinking_face: Which strategy? Give its number, like `/truce strategy {word} 3` "
                 "(`/truce strategy list` shows the numbers).\n" + echo(typed))
    else:
        ack(text=f":thinking_face: I don't know `{esc(typed)}`. Type one of: {WHAT_TO_TYPE}.\n" + echo(typed))


def _today(context) -> date:
    return strategies.today_in(workspace_of(context))


def show_list(*, context, respond: Respond) -> None:
    rt = rt_of(context)
    with rt.session() as session:
        active = strategies.list_by_status(session=session, team_id=context["team_id"])
        retired = strategies.list_by_status(session=session, team_id=context["team_id"], status="retired")
    text, blocks = list_message(active, retired, _today(context))
    respond(text=text, blocks=blocks, response_type="ephemeral")


def show_search(*, query: str, context, respond: Respond) -> None:
    rt = rt_of(context)
    with rt.session() as session:
        result = strategy_search.search(session=session, team_id=context["team_id"], text=query)
    text, blocks = search_message(result, plain(query), _today(context))
    respond(text=text, blocks=blocks, response_type="ephemeral")


def open_modal(*, client: WebClient, context, trigger_id: str, strategy_id: int | None, channel: str | None,
               respond: Respond | None, home: bool = False) -> None:
    user_id = context["user_id"]
    if not may_write(client, context, Team.MARKETING):
        tell(client, respond, user=user_id, channel=channel, text=REFUSED)
        return
    strategy = None
    if strategy_id is not None:
        rt = rt_of(context)
        with rt.session() as session:
            strategy = strategies.get(session=session, team_id=context["team_id"], strategy_id=strategy_id)
        if strategy is None:
            tell(client, respond, user=user_id, channel=channel,
                 text=f"I can't find strategy `#{strategy_id}`. `/truce strategy list` shows them with their numbers.")
            return
    meta = {"id": strategy_id, "version": strategy.version if strategy else None, "channel": channel, "home": home}
    client.views_open(trigger_id=trigger_id, view=strategy_modal(strategy=strategy, metadata=meta))


def _confirmation(change: strategies.Change, results, ws_sales: str | None, *, verb: str) -> str:
    s = change.strategy
    if change.revision is None:
        return f"Nothing changed in `#{s.id}` *{esc(s.title)}*, so nobody was told."
    told = notice_outcome(results, change.notice.id if change.notice else None, ws_sales, who="Salespeople")
    where = " It's on everyone's Truce Home tab." if s.status == "active" else ""
    return f":white_check_mark: {verb} `#{s.id}` *{esc(s.title)}*.{told}{where}"


def publish_now(*, draft: StrategyDraft, typed: str, client: WebClient, context, respond: Respond) -> None:
    if not may_write(client, context, Team.MARKETING):
        respond(text=f"{REFUSED}\n" + echo(typed), response_type="ephemeral")
        return
    rt = rt_of(context)
    ws = workspace_of(context)
    with rt.session() as session:
        change = strategies.publish(session=session, ws=ws, user_id=context["user_id"], draft=draft)
    respond(text=_confirmation(change, delivery.outcome(session), ws.sales_channel, verb="Published"),
            response_type="ephemeral")


def _draft(values: dict) -> StrategyDraft:
    review = input_value(values, Ids.REVIEW_BLOCK, Ids.VALUE)
    return StrategyDraft(
        title=input_value(values, Ids.TITLE_BLOCK, Ids.VALUE) or "",
        summary=input_value(values, Ids.SUMMARY_BLOCK, Ids.VALUE) or "",
        segment=input_value(values, Ids.SEGMENT_BLOCK, Ids.VALUE),
        key_messages=input_value(values, Ids.MESSAGES_BLOCK, Ids.VALUE),
        link=input_value(values, Ids.LINK_BLOCK, Ids.VALUE),
        status=input_value(values, Ids.STATUS_BLOCK, Ids.VALUE) or "active",
        review_by=date.fromisoformat(review) if review else None,
    )


def strategy_submitted(ack: Ack, view: dict, client: WebClient, context) -> None:
    meta = json.loads(view.get("private_metadata") or "{}")
    try:
        draft = strategies.validate(_draft(view["state"]["values"]))
    except StrategyError as exc:
        ack(response_action="errors", errors={FIELD_BLOCKS[exc.field]: str(exc)})
        return
    if not may_write(client, context, Team.MARKETING):
        ack(response_action="errors", errors={Ids.TITLE_BLOCK: "Only the marketing team and Truce leads publish "
                                                              "and change strategies."})
        return
    rt = rt_of(context)
    ws = workspace_of(context)
    try:  # saved before ack(): if it can't be, the form stays open with everything typed in it
        with rt.session(deliver=False) as session:
            if meta.get("id") is None:
                change = strategies.publish(session=session, ws=ws, user_id=context["user_id"], draft=draft)
            else:
                change = strategies.update_strategy(session=session, ws=ws, strategy_id=meta["id"],
                                                    user_id=context["user_id"], draft=draft, version=meta["version"])
    except StrategyError as exc:
        ack(response_action="errors", errors={FIELD_BLOCKS[exc.field]: str(exc)})
        return
    ack()
    rt.send_queued(session)
    verb = "Published" if meta.get("id") is None else "Saved"
    tell(client, None, user=context["user_id"], channel=meta.get("channel"),
         text=_confirmation(change, delivery.outcome(session), ws.sales_channel, verb=verb))
    if meta.get("home"):
        publish_home(client=client, context=context, user_id=context["user_id"])


def change_status(*, client: WebClient, context, respond: Respond | None, strategy_id: int, status: str,
                  typed: str | None = None, home: bool = False) -> None:
    user_id = context["user_id"]
    if not may_write(client, context, Team.MARKETING):
        tell(client, respond, user=user_id, channel=None, text=REFUSED + ("\n" + echo(typed) if typed else ""))
        return
    rt = rt_of(context)
    ws = workspace_of(context)
    try:
        with rt.session() as session:
            change = strategies.set_status(session=session, ws=ws, strategy_id=strategy_id, user_id=user_id,
                                           status=status)
    except StrategyError as exc:
        tell(client, respond, user=user_id, channel=None, text=str(exc))
        return
    s = change.strategy
    if change.revision is None:
        text = f"`#{s.id}` *{esc(s.title)}* is already {'retired' if status == 'retired' else 'current'}."
    else:
        text = _confirmation(change, delivery.outcome(session), ws.sales_channel,
                             verb="Retired" if status == "retired" else "Brought back")
        if status == "retired":
            text += f" `/truce strategy reactivate {s.id}` brings it back."
    tell(client, respond, user=user_id, channel=None, text=text)
    if home:
        publish_home(client=client, context=context, user_id=user_id)


def publish_clicked(ack: Ack, body: dict, client: WebClient, context) -> None:
    ack()
    open_modal(client=client, context=context, trigger_id=body["trigger_id"], strategy_id=None, channel=None,
               respond=None, home=True)


def more_chosen(ack: Ack, body: dict, client: WebClient, context) -> None:
    ack()
    choice, _, raw_id = body["actions"][0]["selected_option"]["value"].partition(":")
    if choice == "edit":
        open_modal(client=client, context=context, trigger_id=body["trigger_id"], strategy_id=int(raw_id),
                   channel=None, respond=None, home=True)
    else:
        change_status(client=client, context=context, respond=None, strategy_id=int(raw_id), status="retired",
                      home=True)
