"""Salespeople find strategies: /truce strategy search and list, and the App Home section and search form."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine

from bot.ids import PlaybookIds as Ids
from bot.sandbox.seed import LEE, MARK, OLIVE, SALES, SAM
from tests.message_text import all_text
from tests.playbook_helpers import add, field, home_text, input_initial, note

QUERY = field(Ids.QUERY_BLOCK)
START = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)


def _seed(stack) -> None:
    """Four strategies, an hour apart (so "newest first" is well defined); #4 retired."""
    texts = [
        "Mid-market push: ROI calculator for companies of 50-500 seats",
        "Enterprise security: SOC 2 and SSO for banks; mid-market buyers ask for it too",
        "Partner program: co-sell with resellers in the MARKET for mid-size firms",
        "Old mid-market discount: 20% off the first year",
    ]
    for i, text in enumerate(texts):
        with time_machine.travel(START + timedelta(hours=i), tick=False):
            add(stack, text)
    with time_machine.travel(START + timedelta(hours=5), tick=False):
        stack.driver.command(MARK, "/truce", "strategy retire 4")


def _titles(text: str) -> list[str]:
    return [line.split("*")[1] for line in text.splitlines() if line.startswith("*")]


def test_search_needs_every_word_and_ranks_current_and_title_matches_first(stack):
    _seed(stack)
    with time_machine.travel(START + timedelta(days=1), tick=False):
        stack.driver.command(SAM, "/truce", "strategy search Mid MARKET")
    found = note(stack, SAM)
    text = all_text(found.blocks)
    assert "4 matches for “Mid MARKET” — current ones first." in text
    # the title matches first, then the most recent of the others; the retired one last
    assert _titles(text) == ["Mid-market push", "Partner program", "Enterprise security", "Old mid-market discount"]
    assert "_(retired)_" in text
    stack.driver.command(SAM, "/truce", "strategy search security banks")
    assert _titles(all_text(note(stack, SAM).blocks)) == ["Enterprise security"]


def test_search_with_no_match_suggests_fewer_words(stack):
    _seed(stack)
    stack.driver.command(SAM, "/truce", "strategy search mid-market <!channel> pricing")
    told = note(stack, SAM).text
    assert "No strategy matches “mid-market @channel pricing”. Try fewer words" in told
    stack.driver.command(SAM, "/truce", "strategy search zebra")
    assert "Try another word" in note(stack, SAM).text


def test_like_wildcards_are_taken_literally(stack):
    _seed(stack)
    for query in ("%", "20%", "0%"):  # only the one with a real "%" in it, not every strategy
        stack.driver.command(SAM, "/truce", f"strategy search {query}")
        assert _titles(all_text(note(stack, SAM).blocks)) == ["Old mid-market discount"]
    stack.driver.command(SAM, "/truce", "strategy search s_o")  # as a LIKE wildcard it would match "SSO"
    assert "No strategy matches “s_o”" in note(stack, SAM).text


def test_search_alone_opens_the_search_form(stack):
    stack.driver.command(SAM, "/truce", "strategy search")
    [view] = stack.state.open_views(SAM)
    assert view.view["callback_id"] == Ids.SEARCH_VIEW


def test_list_shows_current_ones_with_numbers_and_the_retired(stack):
    _seed(stack)
    stack.driver.command(OLIVE, "/truce", "strategy list")
    found = note(stack, OLIVE)
    text = all_text(found.blocks)
    assert "Current marketing strategies (3)" in text
    assert _titles(text) == ["Partner program", "Enterprise security", "Mid-market push"]  # newest first
    assert f"Published by <@{MARK}>" in text
    assert "Retired: Old mid-market discount `#4`" in text and "`/truce strategy reactivate &lt;number&gt;`" in text


def test_list_when_there_is_none(stack):
    stack.driver.command(SAM, "/truce", "strategies list")
    assert "No marketing strategies yet" in note(stack, SAM).text


def test_home_lists_current_strategies_newest_first_with_links(stack):
    _seed(stack)
    stack.driver.command(MARK, "/truce", "strategy edit 1")
    [view] = stack.state.open_views(MARK)
    with time_machine.travel(START + timedelta(days=2), tick=False):
        stack.driver.submit(MARK, view.id, {field(Ids.LINK_BLOCK): "https://example.com/mm",
                                            field(Ids.REVIEW_BLOCK): "2027-02-02"})
        text = home_text(stack, SAM)
    assert "Current marketing strategies" in text
    section = text[text.index("Current marketing strategies"):]
    assert _titles(section) == ["Mid-market push", "Partner program", "Enterprise security"]
    assert "<https://example.com/mm|Open the strategy>" in section
    assert ":hourglass: review was due 2 Feb 2027" in section
    assert "Old mid-market discount" not in section
    home = stack.state.home[SAM]["blocks"]
    assert not [b for b in home if (b.get("accessory") or {}).get("action_id") == Ids.HOME_MORE]
    buttons = [e["action_id"] for b in home if b["type"] == "actions" for e in b["elements"]]
    assert Ids.HOME_SEARCH in buttons and Ids.HOME_PUBLISH not in buttons


def test_home_shows_at_most_eight_and_says_how_many_more(stack):
    for i in range(10):
        with time_machine.travel(START + timedelta(minutes=i), tick=False):
            add(stack, f"Plan {i}: summary {i}")
    text = home_text(stack, SAM)
    assert _titles(text[text.index("Current marketing strategies"):]) == [f"Plan {i}" for i in range(9, 1, -1)]
    assert "…and 2 more: search them, or `/truce strategy list`." in text


def test_home_when_there_is_none(stack):
    assert "No current strategies yet. Marketing publishes them with `/truce strategy`" in home_text(stack, OLIVE)
    assert "No current strategies yet. Publish the first one" in home_text(stack, MARK)


def test_home_search_form_updates_in_place_and_keeps_the_words(stack):
    _seed(stack)
    stack.driver.open_home(SAM)
    stack.driver.click_home(SAM, Ids.HOME_SEARCH)
    [view] = stack.state.open_views(SAM)
    body = stack.driver.submit(SAM, view.id, {QUERY: "security SSO"}).json()
    assert body["response_action"] == "update"
    [view] = stack.state.open_views(SAM)
    assert input_initial(view.view, Ids.QUERY_BLOCK) == "security SSO"
    assert _titles(all_text(view.view["blocks"])) == ["Enterprise security"]
    stack.driver.submit(SAM, view.id, {QUERY: "security zebra <b>"})
    [view] = stack.state.open_views(SAM)
    text = all_text(view.view["blocks"])
    assert "No strategy matches “security zebra &lt;b&gt;”. Try fewer words" in text
    assert input_initial(view.view, Ids.QUERY_BLOCK) == "security zebra <b>"


def test_home_search_with_only_spaces_is_an_error_in_the_form(stack):
    stack.driver.open_home(SAM)
    stack.driver.click_home(SAM, Ids.HOME_SEARCH)
    [view] = stack.state.open_views(SAM)
    body = stack.driver.submit(SAM, view.id, {QUERY: "  ?! "}).json()
    assert body == {"response_action": "errors", "errors": {Ids.QUERY_BLOCK: "Type a word or two to look for."}}


def test_marketer_retires_from_home_and_home_follows(stack):
    _seed(stack)
    stack.driver.open_home(MARK)
    stack.driver.click_home(MARK, Ids.HOME_MORE, selected="retire:2")
    text = all_text(stack.state.home[MARK]["blocks"])
    assert "Enterprise security" not in text and "Mid-market push" in text
    assert stack.messages(SALES)[-1].text.startswith(":file_cabinet: Marketing strategy retired: Enterprise")
    assert "Retired `#2`" in note(stack, MARK).text


def test_marketer_edits_and_publishes_from_home(stack):
    _seed(stack)
    stack.driver.open_home(LEE)
    stack.driver.click_home(LEE, Ids.HOME_MORE, selected="edit:1")
    [view] = stack.state.open_views(LEE)
    stack.driver.submit(LEE, view.id, {field(Ids.TITLE_BLOCK): "Mid-market push 2.0"})
    assert "Mid-market push 2.0" in all_text(stack.state.home[LEE]["blocks"])
    stack.driver.click_home(LEE, Ids.HOME_PUBLISH)
    [view] = stack.state.open_views(LEE)
    stack.driver.submit(LEE, view.id, {field(Ids.TITLE_BLOCK): "Spring campaign",
                                       field(Ids.SUMMARY_BLOCK): "Three webinars"})
    assert "*Spring campaign*" in all_text(stack.state.home[LEE]["blocks"])
    updated, new = stack.messages(SALES)[-2:]
    assert updated.text.startswith(":pencil2: Marketing strategy updated: Mid-market push 2.0 (changed: title)")
    assert new.text.startswith(":mega: New marketing strategy: Spring campaign")
