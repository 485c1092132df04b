"""Battlecards through Slack: shares with three spellings of one competitor, the win/loss log and a
strategy naming them all land on one battlecard (`/intel vs`, the button on the posts, App Home); an
unknown name lists the known ones; leads change the list; `/intel search vs:` finds every spelling."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine

from bot.competitors.ids import CompetitorIds
from bot.sandbox.seed import LEE, MARK, MARKETING, SALES, SALLY, SAM
from tests.intel_helpers import no_dns  # noqa: F401 - fixture
from tests.message_text import all_text
from tests.playbook_helpers import home_text, note

NOW = datetime(2027, 2, 10, 15, 0, tzinfo=UTC)  # 2027-Q1


def _card(stack, user: str, name: str) -> str:
    stack.driver.command(user, "/intel", f"vs {name}")
    told = note(stack, user)
    return told.text + "\n" + all_text(told.blocks or [])


def _record(stack) -> None:
    stack.driver.command(MARK, "/intel", "#pricing Initech cut list prices by 20% vs:Initech", channel=MARKETING)
    stack.driver.command(SAM, "/intel", '#product Initech launched SSO for free vs:"initech inc"', channel=SALES)
    stack.driver.command(SALLY, "/intel", "INITECH is hiring ten sellers in Berlin vs:INITECH", channel=SALES)
    stack.driver.command(SAM, "/intel", "Globex changed its logo vs:Globex", channel=SALES)
    stack.driver.command(SAM, "/truce", "loss Acme: they went with the cheaper one vs:initech reason:price")
    stack.driver.command(SALLY, "/truce", 'loss Hooli: cheaper again vs:"Initech Inc." reason:price')
    stack.driver.command(SAM, "/truce", "win Stark: our SSO story won vs:INITECH reason:product_fit")
    stack.driver.command(MARK, "/truce", "strategy add Beat Initech on TCO: lead with the 3-year cost against "
                                         "INITECH inc")


def test_three_spellings_one_battlecard_with_the_quarter_and_the_strategies(stack):
    with time_machine.travel(NOW, tick=False):
        _record(stack)
        card = _card(stack, SAM, "initech")
    assert "Initech" in card
    for summary in ("Initech cut list prices by 20%", "Initech launched SSO for free",
                    "INITECH is hiring ten sellers in Berlin"):
        assert summary in card, card
    assert "Globex" not in card
    assert "2027-Q1" in card and "1 won" in card and "2 lost" in card, card
    assert "Price" in card  # the top reason they beat us on
    assert "Beat Initech on TCO" in card
    # Any spelling finds the same card, quoted or not, with or without the colon.
    with time_machine.travel(NOW, tick=False):
        assert _card(stack, SALLY, '"Initech Inc."') == card
        stack.driver.command(SALLY, "/intel", 'vs:"initech inc"')
        told = note(stack, SALLY)
        assert told.text + "\n" + all_text(told.blocks or []) == card
        stack.driver.command(SALLY, "/intel", "vs")
        assert "Which competitor?" in note(stack, SALLY).text


def test_an_unknown_name_lists_the_known_ones(stack):
    with time_machine.travel(NOW, tick=False):
        stack.driver.command(SAM, "/intel", "Globex changed its logo vs:Globex", channel=SALES)
        stack.driver.command(SAM, "/intel", "vs <!here> Hooli")
    told = note(stack, SAM).text
    assert "No competitor is called “@here Hooli” yet." in told  # what they typed, never a ping
    assert "*Globex*: 1 share" in told
    assert "<!here>" not in told


def test_the_button_on_a_share_and_app_home_open_the_battlecard(stack):
    with time_machine.travel(NOW, tick=False):
        _record(stack)
        [post] = [m for m in stack.state.messages(SALES) if "INITECH" not in all_text(m)
                  and "Initech cut list" in all_text(m)]
        labels = [e["text"]["text"] for b in post.blocks if b["type"] == "actions" for e in b["elements"]
                  if e["type"] == "button"]
        assert ":crossed_swords: vs Initech" in labels
        stack.driver.click(SAM, post, CompetitorIds.OPEN_BATTLECARD)
        [view] = stack.state.open_views(SAM)
        shown = all_text(view.view["blocks"])
        assert "Initech launched SSO for free" in shown and "Beat Initech on TCO" in shown
        home = home_text(stack, LEE)
    assert "Competitors" in home and "*Initech* — 3 shares, 3 deals" in home
    assert "*Globex* — 1 share, 0 deals" in home


def test_leads_merge_rename_and_alias_and_everyone_else_only_reads(stack):
    with time_machine.travel(NOW, tick=False):
        stack.driver.command(SAM, "/intel", "Initech is hiring vs:Initech", channel=SALES)
        stack.driver.command(SAM, "/intel", "Intech priced low vs:Intech", channel=SALES)
        stack.driver.command(SAM, "/intel", "competitors merge Intech into Initech")
        assert note(stack, SAM).text == ("Only a Slack admin or a Truce lead can change the competitor list. "
                                         "`/intel competitors` shows it.")
        stack.driver.command(LEE, "/intel", "competitors merge Intech into Initech")
        assert "*Intech* is now part of *Initech*: 1 share" in note(stack, LEE).text
        stack.driver.command(LEE, "/intel", 'competitors rename Initech to "Initech Corp"')
        assert "*Initech* is now called *Initech Corp*" in note(stack, LEE).text
        stack.driver.command(LEE, "/intel", "competitors alias Initech INTC")
        assert "“INTC” now means *Initech Corp*." in note(stack, LEE).text
        stack.driver.command(LEE, "/intel", "competitors merge Nobody into Initech")
        told = note(stack, LEE).text
        assert "No competitor is called “Nobody”" in told and "competitors merge Nobody into Initech" in told
        stack.driver.command(SAM, "/intel", "competitors")
        listed = note(stack, SAM).text
        stack.driver.command(SAM, "/intel", "competitors history intc")
        history = note(stack, SAM).text
        stack.driver.command(SAM, "/intel", "search vs:intech")
        found = all_text(note(stack, SAM).blocks)
    assert "*Initech Corp*: 2 shares, 0 deals — also Initech, Intech, INTC" in listed
    assert "took in Intech (1 share, 0 win/loss entries)" in history
    assert "renamed from “Initech” to “Initech Corp”" in history
    assert "Initech is hiring" in found and "Intech priced low" in found


def test_the_win_loss_form_cites_the_intel_that_helped_and_the_battlecard_shows_it(stack):
    from bot.ids import PlaybookIds as P

    def field(block: str) -> str:
        return f"{block}.{P.VALUE}"

    with time_machine.travel(NOW, tick=False):
        stack.driver.command(MARK, "/intel", "#product Initech has no SSO on its cheap tier vs:Initech",
                             channel=MARKETING)
        stack.driver.command(SAM, "/truce", "win")
        [form] = stack.state.open_views(SAM)
        [helped] = [b for b in form.view["blocks"] if b.get("block_id") == P.INTEL_BLOCK]
        [option] = helped["element"]["options"]
        stack.driver.submit(SAM, form.id, {field(P.CUSTOMER_BLOCK): "Stark", field(P.REASON_BLOCK): "product_fit",
                                           field(P.COMPETITOR_BLOCK): "INITECH",
                                           field(P.INTEL_BLOCK): [option["value"]]})
        card = _card(stack, SAM, "Initech")
    assert "1 won, 0 lost" in card
    assert "Intel that helped win" in card and "Initech has no SSO on its cheap tier" in card
