"""/truce win, /truce loss and /truce winloss: sales logs past results; what they typed is never lost."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import time_machine
from sqlmodel import select

from bot.ids import PlaybookIds as Ids
from bot.playbook.models import WinLoss
from bot.sandbox.seed import ADA, LEE, MARK, OLIVE, SALES, SALLY, SAM
from tests.playbook_helpers import field, input_initial, note

OUTCOME, CUSTOMER, REASON = field(Ids.OUTCOME_BLOCK), field(Ids.CUSTOMER_BLOCK), field(Ids.REASON_BLOCK)
NOTES, COMPETITOR, AMOUNT = field(Ids.NOTES_BLOCK), field(Ids.COMPETITOR_BLOCK), field(Ids.AMOUNT_BLOCK)
CURRENCY, CLOSED = field(Ids.CURRENCY_BLOCK), field(Ids.CLOSED_BLOCK)
NOW = datetime(2027, 2, 10, 15, 0, tzinfo=UTC)


def _entries(stack) -> list[WinLoss]:
    with stack.rt.session() as s:
        return list(s.exec(select(WinLoss).order_by(WinLoss.id)).all())


def test_a_win_with_an_amount_and_a_reason_from_the_words(stack):
    stack.driver.command(SAM, "/truce", "win Acme Corp: the ROI deck won over their CFO 12,000 EUR")
    told = note(stack, SAM)
    assert told.text.startswith(":trophy: Logged a win: *Acme Corp* — 12,000.00 EUR, reason: "
                                "*Marketing material / positioning*.")
    assert ">the ROI deck won over their CFO" in told.text
    assert "Filed under Marketing material / positioning from your words" in told.blocks[1]["elements"][0]["text"]
    [e] = _entries(stack)
    assert (e.outcome, e.customer, e.amount, e.currency, e.reason, e.notes, e.recorded_by, e.source) == (
        "won", "Acme Corp", Decimal("12000.00"), "EUR", "marketing", "the ROI deck won over their CFO", SAM,
        "command")
    assert stack.messages(SALES) == []  # the log is quiet: it speaks in summaries and the agenda


def test_a_loss_to_a_competitor(stack):
    stack.driver.command(SALLY, "/truce", 'loss Globex: chose a cheaper tool vs:"Initech Corp" $8,500.50')
    told = note(stack, SALLY).text
    assert told.startswith(":broken_heart: Logged a loss: *Globex* — 8,500.50 USD, reason: *Price*, lost to "
                           "*Initech Corp*.")
    [e] = _entries(stack)
    assert (e.outcome, e.reason, e.competitor, e.amount, e.currency) == ("lost", "price", "Initech Corp",
                                                                        Decimal("8500.50"), "USD")


def test_an_explicit_reason_wins_and_a_bare_competitor_is_the_reason(stack):
    def context_of_answer(typed: str) -> str:
        stack.driver.command(SAM, "/truce", typed)
        return note(stack, SAM).blocks[1]["elements"][0]["text"]

    assert "Filed under" not in context_of_answer("loss Umbrella: budget frozen until autumn reason:timing")
    assert "Filed under Competitor from your words" in context_of_answer("loss Hooli: went another way vs:Initech")
    assert "No reason in your words, so it is filed under Other" in context_of_answer("win Stark: the call went well")
    assert [(e.reason, e.notes) for e in _entries(stack)] == [
        ("timing", "budget frozen until autumn"), ("competitor", "went another way"), ("other", "the call went well")]


def test_mentions_are_escaped_in_the_confirmation(stack):
    stack.driver.command(SAM, "/truce", f"win <!channel> Co: thanks <@{MARK}|mark> &amp; &lt;team&gt;")
    told = note(stack, SAM).text
    assert "<!channel>" not in told and f"<@{MARK}" not in told
    assert "*@channel Co*" in told and "thanks @mark &amp; &lt;team&gt;" in told


def test_bad_input_says_what_to_type_and_echoes_it(stack):
    cases = {
        "win Acme great demo": ("Tell me the customer and why you won, separated by a colon.",
                                "/truce win Acme Corp: the ROI deck"),
        "loss Acme:   ": ("Why did you lose? Say it after the colon.", "/truce loss Globex:"),
        "win Acme: demo 12,00 EUR": ("The amount “12,00” is not a number", "/truce win Acme Corp:"),
        "loss Acme: meh reason:vibes": ("I don't know the reason `reason:vibes`", "`reason:product`"),
        "loss Acme: meh vs:Initech vs:Hooli": ("Name one competitor with vs:", "/truce loss Globex:"),
        "win " + "A" * 151 + ": yes": ("The customer's name is 151 characters long", "/truce win Acme Corp:"),
        "win Acme: refund 0 EUR": ("The amount must be more than zero", "/truce win"),
    }
    for typed, (why, usage) in cases.items():
        stack.driver.command(SAM, "/truce", typed)
        told = note(stack, SAM).text
        assert why in told, typed
        assert usage in told, typed
        assert f"```/truce {typed.strip()}```" in told, typed
    assert _entries(stack) == []


def test_only_sales_and_leads_log_results(stack):
    for who in (MARK, OLIVE):
        stack.driver.command(who, "/truce", "loss Acme: price vs:Initech")
        told = note(stack, who).text
        assert "Only the sales team and Truce leads log wins and losses" in told
        assert "```/truce loss Acme: price vs:Initech```" in told
    stack.driver.command(LEE, "/truce", "win Acme: relationship")
    stack.driver.command(ADA, "/truce", "winloss won Globex: timing")
    assert [(e.recorded_by, e.outcome) for e in _entries(stack)] == [(LEE, "won"), (ADA, "won")]
    stack.driver.command(MARK, "/truce", "winloss")
    assert stack.state.open_views(MARK) == []
    assert "Only the sales team" in note(stack, MARK).text


def test_the_form_logs_a_result_and_remembers_the_currency(stack):
    with time_machine.travel(NOW, tick=False):
        stack.driver.command(SAM, "/truce", "loss")
        [view] = stack.state.open_views(SAM)
        assert input_initial(view.view, Ids.OUTCOME_BLOCK) == "lost"
        assert input_initial(view.view, Ids.CLOSED_BLOCK) == "2027-02-10"
        assert input_initial(view.view, Ids.CURRENCY_BLOCK) is None
        response = stack.driver.submit(SAM, view.id, {
            CUSTOMER: "Wayne Enterprises", REASON: "product_fit", NOTES: "No SSO on the starter tier",
            COMPETITOR: "Initech", AMOUNT: "40,000", CURRENCY: "gbp", CLOSED: "2027-01-28"})
        assert response.status_code == 200 and not response.content
        told = note(stack, SAM)
        assert told.text.startswith(":broken_heart: Logged a loss: *Wayne Enterprises* — 40,000.00 GBP, reason: "
                                    "*Product fit*, lost to *Initech*.")
        [e] = _entries(stack)
        assert (e.source, e.closed_at.replace(tzinfo=UTC)) == ("modal", datetime(2027, 1, 28, 12, 0, tzinfo=UTC))
        stack.driver.command(SALLY, "/truce", "winloss")
        [view] = stack.state.open_views(SALLY)
        assert input_initial(view.view, Ids.CURRENCY_BLOCK) == "GBP"
        assert input_initial(view.view, Ids.OUTCOME_BLOCK) is None


def test_form_errors_are_answered_in_the_form(stack):
    with time_machine.travel(NOW, tick=False):
        stack.driver.command(SAM, "/truce", "win")
        [view] = stack.state.open_views(SAM)
        base = {CUSTOMER: "Acme", REASON: "price"}
        cases = [
            ({AMOUNT: "lots"}, Ids.AMOUNT_BLOCK, "The amount “lots” is not a number"),
            ({AMOUNT: "1200"}, Ids.CURRENCY_BLOCK, "Which currency is the amount in?"),
            ({AMOUNT: "1200", CURRENCY: "EUX"}, Ids.CURRENCY_BLOCK, "“EUX” is not an ISO 4217 currency code"),
            ({CLOSED: "2027-02-11"}, Ids.CLOSED_BLOCK, "That date is in the future"),
            ({CUSTOMER: "   "}, Ids.CUSTOMER_BLOCK, "Which customer?"),
        ]
        for values, block, message in cases:
            body = stack.driver.submit(SAM, view.id, {**base, **values}).json()
            assert body["response_action"] == "errors", values
            assert message in body["errors"][block], values
        assert stack.state.open_views(SAM) and _entries(stack) == []
        stack.driver.submit(SAM, view.id, {**base, CURRENCY: "EUR"})  # a currency alone is dropped
        [e] = _entries(stack)
        assert (e.amount, e.currency) == (None, None)


def test_the_edit_button_corrects_a_result(stack):
    stack.driver.command(SAM, "/truce", "loss Acme: too expensive 5000 EUR")
    told = note(stack, SAM)
    stack.driver.click_ephemeral(SAM, told, Ids.WINLOSS_EDIT)
    [view] = stack.state.open_views(SAM)
    assert view.view["title"]["text"] == "Correct a result"
    assert (input_initial(view.view, Ids.CUSTOMER_BLOCK), input_initial(view.view, Ids.AMOUNT_BLOCK),
            input_initial(view.view, Ids.REASON_BLOCK)) == ("Acme", "5000.00", "price")
    stack.driver.submit(SAM, view.id, {REASON: "competitor", COMPETITOR: "Initech"})
    [e] = _entries(stack)
    assert (e.reason, e.competitor, e.updated_by, e.amount) == ("competitor", "Initech", SAM, Decimal("5000.00"))
    assert note(stack, SAM).text.startswith(":broken_heart: Corrected a loss: *Acme*")


def test_help_and_unknown_words(stack):
    stack.driver.command(SAM, "/truce", "winloss help")
    told = note(stack, SAM).text
    assert "/truce win Acme Corp:" in told and "/truce winloss summary 2027-Q1" in told
    assert "/truce strategy" not in told
    stack.driver.command(SAM, "/truce", "winloss report <!here>")
    told = note(stack, SAM).text
    assert "I don't know `/truce winloss report @here`" in told and "```/truce winloss report @here```" in told
