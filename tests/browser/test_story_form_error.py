"""Story: a form with a mistake shows the error under the field — in a browser.

Two kinds of mistake, as in Slack: a required field left empty is caught by Slack's client before
anything is sent; a value the app refuses comes back as `response_action: errors` and is shown under
its field, the form kept as typed."""

from __future__ import annotations

from playwright.sync_api import expect

from bot.sandbox.seed import JOINT, MARIA, SAM
from tests.browser.slack_page import SlackPage


def test_a_form_with_a_mistake_shows_the_error_under_the_field(page, workspace, shot):
    stack, url = workspace
    slack = SlackPage(page, url).open("maria", "sales-marketing")
    slack.command("/joint plan")
    form = slack.modal("Joint plan")
    lines = slack.field("Plan lines").locator("textarea")
    lines.fill("Win 5 mid-market logos | Spring webinar series | twelve thousand | 250000 | 90000")
    owners = slack.field("Owners")
    owners.locator("label", has_text="Sam Seller").locator("input").check()
    owners.locator("label", has_text="Maria Brand").locator("input").check()
    expect(owners.locator("input:checked")).to_have_count(2)

    calls = len(stack.state.calls)
    form.get_by_role("button", name="Save").click()  # the currency is missing: Slack itself says so
    currency = slack.field("Currency")
    expect(currency.locator(".field-error")).to_have_text("Please complete this required field.")
    assert len(stack.state.calls) == calls and not stack.state.messages(JOINT)

    currency.locator("input").fill("EUR")
    form.get_by_role("button", name="Save").click()  # Truce refuses the budget: the error comes back
    error = slack.field("Plan lines").locator(".field-error")
    expect(error).to_contain_text("“twelve thousand” is not a number")
    expect(currency.locator(".field-error")).to_have_text("")
    expect(lines).to_have_value("Win 5 mid-market logos | Spring webinar series | twelve thousand | 250000 | 90000")
    expect(currency.locator("input")).to_have_value("EUR")
    shot(page, "form-error-under-the-field")

    lines.fill("Win 5 mid-market logos | Spring webinar series | 12000 | 250000 | 90000")
    form.get_by_role("button", name="Save").click()
    expect(page.locator("form.modal")).to_have_count(0)
    plan = slack.message("Joint business plan")
    expect(plan).to_contain_text("12,000.00 EUR")

    shown = str(stack.state.messages(JOINT)[-1].blocks)
    assert f"<@{SAM}>" in shown and f"<@{MARIA}>" in shown
