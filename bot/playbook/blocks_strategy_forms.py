"""The strategy modals (publish/edit, search) and the App Home section of current strategies."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    DatePickerElement,
    HeaderBlock,
    InputBlock,
    Option,
    OverflowMenuElement,
    PlainTextInputElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.block_kit import context, section, user
from bot.ids import PlaybookIds as Ids
from bot.playbook.blocks_strategies import card, day, meta_line
from bot.playbook.models import Strategy
from bot.playbook.strategy_rules import LINK_MAX, MESSAGES_MAX, SEGMENT_MAX, STATUSES, SUMMARY_MAX, TITLE_MAX

HOME_MAX = 8


def _text(block_id: str, label: str, *, value: str | None, max_length: int, optional: bool = False,
          multiline: bool = False, placeholder: str | None = None, hint: str | None = None) -> InputBlock:
    return InputBlock(block_id=block_id, label=label, optional=optional, hint=hint,
                      element=PlainTextInputElement(action_id=Ids.VALUE, initial_value=value or None,
                                                    max_length=max_length, multiline=multiline,
                                                    placeholder=placeholder))


def strategy_modal(*, strategy: Strategy | None, metadata: dict[str, Any]) -> View:
    """Publish a new strategy (strategy=None) or edit one; `metadata` rides along in private_metadata."""
    s = strategy
    if s is None:
        intro = ("Salespeople find current strategies on their Truce Home tab and search them. Publishing tells "
                 "the sales channel at once.")
    else:
        intro = (f"Editing `#{s.id}`, published by {user(s.created_by)} on {day(s.created_at)}. Saving tells the "
                 "sales channel what changed; every change is kept with who and when.")
    blocks: list[Block] = [
        context(intro),
        _text(Ids.TITLE_BLOCK, "Title", value=s.title if s else None, max_length=TITLE_MAX,
              placeholder="e.g. Mid-market push"),
        _text(Ids.SUMMARY_BLOCK, "Summary", value=s.summary if s else None, max_length=SUMMARY_MAX, multiline=True,
              hint="What marketing does, for whom, and why: what a salesperson needs to know."),
        _text(Ids.SEGMENT_BLOCK, "Target segment", value=s.segment if s else None, max_length=SEGMENT_MAX,
              optional=True, placeholder="e.g. SaaS companies with 50-500 seats, EMEA"),
        _text(Ids.MESSAGES_BLOCK, "Key messages", value=s.key_messages if s else None, max_length=MESSAGES_MAX,
              optional=True, multiline=True, hint="What salespeople should say, one message a line."),
        _text(Ids.LINK_BLOCK, "Link", value=s.link if s else None, max_length=LINK_MAX, optional=True,
              placeholder="https://…", hint="The full plan, deck or brief (a web address)."),
    ]
    if s is not None:
        options = [Option(text=label, value=value) for value, label in STATUSES.items()]
        blocks.append(InputBlock(block_id=Ids.STATUS_BLOCK, label="Status", element=StaticSelectElement(
            action_id=Ids.VALUE, options=options, initial_option=next(o for o in options if o.value == s.status))))
    blocks.append(InputBlock(block_id=Ids.REVIEW_BLOCK, label="Review by", optional=True,
                             hint="When marketing should look at it again. Left empty: no date.",
                             element=DatePickerElement(action_id=Ids.VALUE,
                                                       initial_date=s.review_by.isoformat()
                                                       if s and s.review_by else None)))
    return View(type="modal", callback_id=Ids.STRATEGY_VIEW, title="Edit strategy" if s else "Publish a strategy",
                submit="Save" if s else "Publish", close="Cancel", private_metadata=json.dumps(metadata),
                blocks=blocks)


def search_modal(*, query: str | None = None, results: list[Block] | None = None) -> View:
    """The search form; submitting it updates it in place with the results (what was typed stays)."""
    blocks: list[Block] = [
        InputBlock(block_id=Ids.QUERY_BLOCK, label="Search marketing strategies",
                   hint="Words from the title, summary, target segment or key messages. Every word must match.",
                   element=PlainTextInputElement(action_id=Ids.VALUE, max_length=200, initial_value=query or None,
                                                 placeholder="e.g. mid-market onboarding")),
    ]
    if results:
        blocks += results
    return View(type="modal", callback_id=Ids.SEARCH_VIEW, title="Search strategies", submit="Search",
                close="Done", blocks=blocks[:100])


# --- App Home ------------------------------------------------------------------------------------


def _more(s: Strategy) -> OverflowMenuElement:
    return OverflowMenuElement(action_id=Ids.HOME_MORE, options=[
        Option(text="Edit", value=f"edit:{s.id}"), Option(text="Retire", value=f"retire:{s.id}")])


def home_section(*, strategies: list[Strategy], total: int, today: date, may_edit: bool) -> list[Block]:
    blocks: list[Block] = [HeaderBlock(text="Current marketing strategies")]
    if not strategies:
        who = "Publish the first one" if may_edit else "Marketing publishes them with `/truce strategy`"
        blocks.append(section(f"No current strategies yet. {who}: salespeople will find them here."))
    for s in strategies[:HOME_MAX]:
        blocks.append(section(card(s), accessory=_more(s) if may_edit else None))
        blocks.append(context(meta_line(s, today)))
    if total > HOME_MAX:
        blocks.append(context(f"…and {total - HOME_MAX} more: search them, or `/truce strategy list`."))
    buttons = [ButtonElement(text="Search strategies", action_id=Ids.HOME_SEARCH)]
    if may_edit:
        buttons.append(ButtonElement(text="Publish a strategy", action_id=Ids.HOME_PUBLISH, style="primary"))
    blocks.append(ActionsBlock(elements=buttons))
    return blocks
