"""/truce strategy: marketing publishes, edits and retires strategies; the sales channel hears of each."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from bot.ids import PlaybookIds as Ids
from bot.playbook.models import Strategy, StrategyRevision
from bot.sandbox.seed import ADA, LEE, MARIA, MARK, OLIVE, SALES, SAM
from tests.message_text import all_text
from tests.playbook_helpers import add, field, input_initial, note

TITLE, SUMMARY, SEGMENT = field(Ids.TITLE_BLOCK), field(Ids.SUMMARY_BLOCK), field(Ids.SEGMENT_BLOCK)
MESSAGES, LINK, STATUS, REVIEW = (field(Ids.MESSAGES_BLOCK), field(Ids.LINK_BLOCK), field(Ids.STATUS_BLOCK),
                                  field(Ids.REVIEW_BLOCK))


def _strategies(stack) -> list[Strategy]:
    with stack.rt.session() as s:
        return list(s.exec(select(Strategy).order_by(Strategy.id)).all())


def _revisions(stack) -> list[StrategyRevision]:
    with stack.rt.session() as s:
        return list(s.exec(select(StrategyRevision).order_by(StrategyRevision.id)).all())


def test_marketer_publishes_at_once_and_sales_hears_of_it(stack):
    told = add(stack, "Mid-market push: lead with the ROI calculator for 50-500 seat companies")
    assert told.startswith(":white_check_mark: Published `#1` *Mid-market push*.")
    assert f"Salespeople are being told in <#{SALES}>" in told
    assert len(stack.state.ephemerals_for(MARK)) == 1  # the notice went out: nothing more to say
    [posted] = stack.messages(SALES)
    assert "New marketing strategy: Mid-market push" in posted.text and f"<@{MARK}>" in posted.text
    assert "lead with the ROI calculator" in posted.blocks[0]["text"]["text"]
    [s] = _strategies(stack)
    assert (s.title, s.status, s.created_by, s.updated_by, s.version) == ("Mid-market push", "active", MARK, MARK, 1)
    assert [r.action for r in _revisions(stack)] == ["published"]


def test_leads_and_admins_may_publish_too(stack):
    assert "Published `#1`" in add(stack, "Partner program: co-sell with resellers", user=LEE)
    assert "Published `#2`" in add(stack, "Events: two trade shows in spring", user=ADA)


def test_salespeople_and_outsiders_are_refused_with_what_they_typed(stack):
    for who in (SAM, OLIVE):
        told = add(stack, "Rogue plan: discount everything 50%", user=who)
        assert "Only the marketing team and Truce leads publish" in told
        assert "`/truce strategy search &lt;words&gt;`" in told
        assert "```/truce strategy add Rogue plan: discount everything 50%```" in told
    assert _strategies(stack) == [] and stack.messages(SALES) == []


def test_add_without_a_colon_says_what_to_type_and_echoes(stack):
    stack.driver.command(MARK, "/truce", "strategy add Just a title with no summary")
    told = note(stack, MARK).text
    assert "a title and a summary, separated by a colon" in told
    assert "/truce strategy add Mid-market push:" in told
    assert "```/truce strategy add Just a title with no summary```" in told
    assert _strategies(stack) == []


def test_too_long_a_title_is_refused(stack):
    told = add(stack, "x" * 151 + ": summary")
    assert "The title is 151 characters long; keep it to 150." in told and "x" * 151 in told
    assert _strategies(stack) == []


def test_mentions_and_markup_are_escaped_in_the_notice(stack):
    # As Slack sends it with should_escape: @channel, a user mention, and a literal "<b> & co".
    add(stack, f"<!channel> Launch: tell <@{SAM}|sam> about &lt;b&gt; &amp; co <!here>")
    [posted] = stack.messages(SALES)
    body = all_text(posted)
    assert "<!channel>" not in body and "<!here>" not in body and f"<@{SAM}" not in body
    assert "@channel Launch" in body and "tell @sam about &lt;b&gt; &amp; co @here" in body
    [s] = _strategies(stack)
    assert s.title == "@channel Launch" and s.summary == "tell @sam about <b> & co @here"


def test_the_form_publishes_with_every_field(stack):
    stack.driver.command(MARK, "/truce", "strategy")
    [view] = stack.state.open_views(MARK)
    assert view.view["title"]["text"] == "Publish a strategy"
    assert Ids.STATUS_BLOCK not in [b.get("block_id") for b in view.view["blocks"]]  # new ones are current
    response = stack.driver.submit(MARK, view.id, {
        TITLE: "Enterprise security story", SUMMARY: "Lead with SOC 2 and SSO for regulated buyers.",
        SEGMENT: "Banks and insurers, 1000+ seats", MESSAGES: "SOC 2 Type II\nSSO and SCIM included",
        LINK: "https://wiki.example.com/security?x=1&y=2", REVIEW: "2027-06-30",
    })
    assert response.status_code == 200 and not response.content
    [s] = _strategies(stack)
    assert (s.segment, s.review_by, s.link) == ("Banks and insurers, 1000+ seats", date(2027, 6, 30),
                                               "https://wiki.example.com/security?x=1&y=2")
    [posted] = stack.messages(SALES)
    text = posted.blocks[0]["text"]["text"]
    assert "*Key messages*\nSOC 2 Type II\nSSO and SCIM included" in text
    assert "<https://wiki.example.com/security?x=1&amp;y=2|Open the strategy>" in text
    assert "Published `#1` *Enterprise security story*" in note(stack, MARK).text


def test_form_errors_are_answered_in_the_form(stack):
    stack.driver.command(MARK, "/truce", "strategy")
    [view] = stack.state.open_views(MARK)
    body = stack.driver.submit(MARK, view.id, {TITLE: "Webinars", SUMMARY: "Monthly webinars",
                                              LINK: "ftp://files.example.com/deck"}).json()
    assert body["response_action"] == "errors"
    assert "must be a web address starting with https://" in body["errors"][Ids.LINK_BLOCK]
    body = stack.driver.submit(MARK, view.id, {TITLE: "Webinars", SUMMARY: "   "}).json()
    assert "needs a summary" in body["errors"][Ids.SUMMARY_BLOCK]
    assert stack.state.open_views(MARK), "the form stays open with what was typed"
    assert _strategies(stack) == [] and stack.messages(SALES) == []


def test_salespeople_get_no_form(stack):
    stack.driver.command(SAM, "/truce", "strategy")
    assert stack.state.open_views(SAM) == []
    assert "Only the marketing team and Truce leads" in note(stack, SAM).text


def test_editing_keeps_who_and_when_and_tells_sales_what_changed(stack):
    add(stack, "Mid-market push: lead with the ROI calculator")
    stack.driver.command(MARIA, "/truce", "strategy edit 1")
    [view] = stack.state.open_views(MARIA)
    assert view.view["title"]["text"] == "Edit strategy"
    assert input_initial(view.view, Ids.TITLE_BLOCK) == "Mid-market push"
    assert input_initial(view.view, Ids.STATUS_BLOCK) == "active"
    stack.driver.submit(MARIA, view.id, {SUMMARY: "Lead with the ROI calculator and two case studies",
                                         LINK: "https://example.com/mm"})
    [s] = _strategies(stack)
    assert (s.created_by, s.updated_by, s.version) == (MARK, MARIA, 2)
    edited = _revisions(stack)[-1]
    assert edited.action == "edited" and edited.user_id == MARIA
    assert edited.changes["summary"] == ["lead with the ROI calculator", "Lead with the ROI calculator and two "
                                                                        "case studies"]
    assert edited.changes["link"] == [None, "https://example.com/mm"]
    notice = stack.messages(SALES)[-1]
    assert "Marketing strategy updated: Mid-market push (changed: summary, link)" in notice.text
    assert "Saved `#1`" in note(stack, MARIA).text


def test_saving_without_changes_tells_nobody(stack):
    add(stack, "Mid-market push: lead with the ROI calculator")
    stack.driver.command(MARK, "/truce", "strategy edit #1")
    [view] = stack.state.open_views(MARK)
    stack.driver.submit(MARK, view.id, {})
    assert len(stack.messages(SALES)) == 1 and len(_revisions(stack)) == 1
    assert "Nothing changed in `#1`" in note(stack, MARK).text


def test_two_editors_at_once_the_second_keeps_their_text(stack):
    add(stack, "Mid-market push: lead with the ROI calculator")
    stack.driver.command(MARK, "/truce", "strategy edit 1")
    stack.driver.command(MARIA, "/truce", "strategy edit 1")
    [mark_view], [maria_view] = stack.state.open_views(MARK), stack.state.open_views(MARIA)
    stack.driver.submit(MARIA, maria_view.id, {SUMMARY: "Maria's version"})
    body = stack.driver.submit(MARK, mark_view.id, {SUMMARY: "Mark's version"}).json()
    assert body["response_action"] == "errors"
    assert "Someone else changed this strategy while you were editing it" in body["errors"][Ids.TITLE_BLOCK]
    assert _strategies(stack)[0].summary == "Maria's version"
    assert stack.state.open_views(MARK)


def test_retire_and_reactivate_tell_sales_once_each(stack):
    add(stack, "Mid-market push: lead with the ROI calculator")
    stack.driver.command(MARK, "/truce", "strategy retire 1")
    assert "Retired `#1` *Mid-market push*" in note(stack, MARK).text
    assert "`/truce strategy reactivate 1` brings it back" in note(stack, MARK).text
    stack.driver.command(MARIA, "/truce", "strategy retire 1")
    assert "is already retired" in note(stack, MARIA).text
    stack.driver.command(MARK, "/truce", "strategy reactivate 1")
    assert "Brought back `#1`" in note(stack, MARK).text
    texts = [m.text for m in stack.messages(SALES)]
    assert len(texts) == 3
    assert texts[1].startswith(":file_cabinet: Marketing strategy retired: Mid-market push")
    assert texts[2].startswith(":recycle: Marketing strategy back in use: Mid-market push")
    assert [r.action for r in _revisions(stack)] == ["published", "retired", "reactivated"]


def test_retiring_in_the_form(stack):
    add(stack, "Mid-market push: lead with the ROI calculator")
    stack.driver.command(MARK, "/truce", "strategy edit 1")
    [view] = stack.state.open_views(MARK)
    stack.driver.submit(MARK, view.id, {STATUS: "retired"})
    assert _strategies(stack)[0].status == "retired"
    assert stack.messages(SALES)[-1].text.startswith(":file_cabinet: Marketing strategy retired")


def test_salespeople_cannot_retire_or_edit(stack):
    add(stack, "Mid-market push: lead with the ROI calculator")
    stack.driver.command(SAM, "/truce", "strategy retire 1")
    told = note(stack, SAM).text
    assert "Only the marketing team" in told and "```/truce strategy retire 1```" in told
    stack.driver.command(SAM, "/truce", "strategy edit 1")
    assert stack.state.open_views(SAM) == []
    assert _strategies(stack)[0].status == "active" and len(stack.messages(SALES)) == 1


def test_unknown_numbers_and_words_are_answered(stack):
    stack.driver.command(MARK, "/truce", "strategy edit 42")
    assert "I can't find strategy `#42`" in note(stack, MARK).text
    stack.driver.command(MARK, "/truce", "strategy retire the old one")
    told = note(stack, MARK).text
    assert "Give its number, like `/truce strategy retire 3`" in told
    assert "```/truce strategy retire the old one```" in told
    stack.driver.command(MARK, "/truce", "strategy publish <!channel> now")
    told = note(stack, MARK).text
    assert "I don't know `/truce strategy publish @channel now`" in told and "<!channel>" not in told


def test_a_notice_waits_for_an_invite_and_the_marketer_is_told(stack):
    stack.state.fail_next("chat.postMessage", error="not_in_channel")
    told = add(stack, "Mid-market push: lead with the ROI calculator")
    assert f"Truce isn't in <#{SALES}> yet: invite it" in told  # the follow-up, after the answer
    [answer, _] = stack.state.ephemerals_for(MARK)
    assert answer.text.startswith(":white_check_mark: Published `#1` *Mid-market push*.")
    assert stack.messages(SALES) == [] and len(_strategies(stack)) == 1


def test_help_lists_the_strategy_commands(stack):
    stack.driver.command(SAM, "/truce", "strategy help")
    told = note(stack, SAM).text
    assert "`/truce strategy search onboarding pricing`" in told and "/truce win" not in told
    stack.driver.command(SAM, "/truce", "help")
    body = stack.driver.answer()
    assert "/truce strategy" in body["text"] and "/truce winloss summary" in body["text"]


def test_editing_a_retired_strategy_does_not_bother_sales(stack):
    add(stack, "Mid-market push: lead with the ROI calculator")
    stack.driver.command(MARK, "/truce", "strategy retire 1")
    stack.driver.command(MARK, "/truce", "strategy edit 1")
    [view] = stack.state.open_views(MARK)
    stack.driver.submit(MARK, view.id, {SUMMARY: "What we used to do"})
    assert len(stack.messages(SALES)) == 2  # published, retired; not the edit
    assert note(stack, MARK).text == ":white_check_mark: Saved `#1` *Mid-market push*."
    assert [r.action for r in _revisions(stack)] == ["published", "retired", "edited"]
