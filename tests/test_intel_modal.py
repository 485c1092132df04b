"""/intel alone opens the share modal; the "Share as market intel" message shortcut opens it
prefilled; invalid fields are answered inside the modal, nothing typed is lost."""

from __future__ import annotations

import json

from bot.ids import IntelIds
from bot.models import Workspace
from bot.sandbox.seed import JOINT, MARK, MARKETING, SALES, SAM
from tests.intel_helpers import no_dns, shares  # noqa: F401 - fixture
from tests.message_text import all_text


def _open(stack, user=MARK, channel=MARKETING):
    stack.driver.command(user, "/intel", "", channel=channel)
    [view] = stack.state.open_views(user)
    return view


def test_intel_alone_opens_the_share_modal(stack):
    view = _open(stack)
    assert view.view["callback_id"] == IntelIds.MODAL
    assert view.view["title"]["text"] == "Share market intel"
    labels = [b["label"]["text"] for b in view.view["blocks"] if b["type"] == "input"]
    assert labels == ["What did you learn?", "Kind", "Competitor", "Link", "Why it matters to the other team"]
    summary = next(b for b in view.view["blocks"] if b.get("block_id") == IntelIds.SUMMARY_BLOCK)
    assert summary["element"]["max_length"] == 3000 and summary.get("optional", False) is False


def test_submitting_the_modal_shares_with_why_it_matters(stack):
    view = _open(stack)
    response = stack.driver.submit(MARK, view.id, {
        IntelIds.SUMMARY: "Globex now bundles onboarding for free", IntelIds.KIND: "competitor",
        IntelIds.COMPETITOR: "Globex", IntelIds.LINK: "https://globex.example/onboarding",
        IntelIds.WHY: "Prospects will ask us for free onboarding too",
    })
    assert response.status_code == 200 and not response.content
    assert stack.state.open_views(MARK) == []
    [post] = stack.state.messages(SALES)
    text = all_text(post)
    assert "*Competitor intel* from *marketing* · vs *Globex*" in text
    assert "*Why it matters to sales:* Prospects will ask us for free onboarding too" in text
    assert "<https://globex.example/onboarding|" in text
    assert len(stack.state.messages(JOINT)) == 1
    [note] = stack.state.ephemerals_for(MARK, MARKETING)
    assert "view the post" in note.text
    [share] = shares(stack)
    assert (share.via, share.why) == ("modal", "Prospects will ask us for free onboarding too")


def test_invalid_fields_are_answered_inside_the_modal(stack):
    view = _open(stack)
    typed = {IntelIds.SUMMARY: "  ", IntelIds.LINK: "ftp://files.example/price.pdf",
             IntelIds.COMPETITOR: "C" * 81, IntelIds.KIND: "pricing"}
    response = stack.driver.submit(MARK, view.id, typed)
    body = response.json()
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {IntelIds.SUMMARY_BLOCK, IntelIds.LINK_BLOCK, IntelIds.COMPETITOR_BLOCK}
    assert "http:// or https://" in body["errors"][IntelIds.LINK_BLOCK]
    assert "at most 80" in body["errors"][IntelIds.COMPETITOR_BLOCK]
    assert stack.state.open_views(MARK), "the modal stays open with everything typed"
    assert shares(stack) == [] and stack.state.messages(SALES) == []


def test_a_summary_over_the_limit_is_refused_in_the_modal(stack):
    view = _open(stack)
    body = stack.driver.submit(MARK, view.id, {IntelIds.SUMMARY: "y" * 3001}).json()
    assert "3,001 characters" in body["errors"][IntelIds.SUMMARY_BLOCK]


def test_the_modal_says_when_truce_is_not_set_up(stack):
    view = _open(stack)
    with stack.rt.session() as s:
        s.get(Workspace, stack.team_id).sales_channel = None
    body = stack.driver.submit(MARK, view.id, {IntelIds.SUMMARY: "Acme is hiring sellers"}).json()
    assert "sales channel is not chosen" in body["errors"][IntelIds.SUMMARY_BLOCK]
    assert stack.state.open_views(MARK)


def test_the_message_shortcut_opens_the_modal_prefilled_with_the_message(stack):
    message = stack.driver.say(SAM, SALES, "#pricing Initech quoted 30% under us at Hooli vs:Initech "
                                           "<https://initech.example/pricing>")
    stack.driver.shortcut(MARK, IntelIds.SHORTCUT, message)
    [view] = stack.state.open_views(MARK)
    values = {b["block_id"]: b["element"] for b in view.view["blocks"] if b["type"] == "input"}
    assert values[IntelIds.SUMMARY_BLOCK]["initial_value"] == "Initech quoted 30% under us at Hooli"
    assert values[IntelIds.KIND_BLOCK]["initial_option"]["value"] == "pricing"
    assert values[IntelIds.COMPETITOR_BLOCK]["initial_value"] == "Initech"
    assert values[IntelIds.LINK_BLOCK]["initial_value"] == "https://initech.example/pricing"
    meta = json.loads(view.view["private_metadata"])
    permalink = f"https://truce-demo.slack.com/archives/{SALES}/p{message.ts.replace('.', '')}"
    assert meta["sp"] == permalink
    stack.driver.submit(MARK, view.id, {})
    [share] = shares(stack)
    assert (share.via, share.source_channel, share.source_ts, share.source_permalink) == (
        "shortcut", SALES, message.ts, permalink)
    assert share.from_team == "marketing"  # Mark shared it: it goes to sales and joint
    [post] = stack.state.messages(JOINT)
    assert f"<{permalink}|source message>" in all_text(post)


def test_the_shortcut_on_an_already_shared_message_says_so(stack):
    message = stack.driver.say(SAM, SALES, "Hooli is moving to annual contracts")
    stack.driver.shortcut(MARK, IntelIds.SHORTCUT, message)
    stack.driver.submit(MARK, stack.state.open_views(MARK)[0].id, {})
    stack.driver.shortcut(SAM, IntelIds.SHORTCUT, message)
    assert stack.state.open_views(SAM) == []
    assert f"already shared (by <@{MARK}>)" in stack.state.ephemerals_for(SAM)[-1].text
    assert len(shares(stack)) == 1


def test_a_message_shared_twice_at_once_is_shared_once(stack):
    message = stack.driver.say(SAM, SALES, "Hooli is moving to annual contracts")
    stack.driver.shortcut(MARK, IntelIds.SHORTCUT, message)
    stack.driver.shortcut(SAM, IntelIds.SHORTCUT, message)
    first, second = stack.state.open_views(MARK)[0], stack.state.open_views(SAM)[0]
    stack.driver.submit(MARK, first.id, {})
    stack.driver.submit(SAM, second.id, {})
    assert len(shares(stack)) == 1
    assert "Someone shared that message while you were writing" in stack.state.ephemerals_for(SAM)[-1].text
    assert len(stack.state.messages(JOINT)) == 1
