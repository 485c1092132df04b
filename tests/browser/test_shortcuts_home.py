"""The rest of what a person does on the page: @mentions picked from the composer's list, a message
shortcut from a message's menu, buttons on an ephemeral message, the App Home tab and the app's
Messages tab — each sent to Truce as Slack sends it."""

from __future__ import annotations

from playwright.sync_api import expect

from bot.sandbox.seed import ALERTS, LEE, MARIA, MARKETING, SALES, SAM
from tests.browser.slack_page import SlackPage


def test_a_mention_picked_from_the_list_and_a_message_shortcut_share_a_message_as_intel(page, workspace):
    stack, url = workspace
    slack = SlackPage(page, url).open("sam", "sales")
    box = page.locator("#composer-input")
    box.click()
    box.type("Heard on a call: Globex bundles onboarding for free, ask @ma")
    people = page.locator("#autocomplete .ac-row")
    expect(people).to_have_count(2)  # Mark and Maria
    box.press("ArrowDown")
    box.press("Enter")
    expect(box).to_have_value("Heard on a call: Globex bundles onboarding for free, ask @maria ")
    box.press("Enter")
    said = slack.message("Globex bundles onboarding")
    expect(said.locator(".mention")).to_have_text("@Maria Brand")
    assert stack.state.messages(SALES)[-1].text.endswith(f"ask <@{MARIA}>")

    said.hover()
    said.get_by_role("button", name="More actions").click()
    page.get_by_role("menuitem", name="Share as market intel").click()
    form = slack.modal("Share market intel")
    expect(slack.field("What did you learn").locator("textarea")).to_contain_text("Globex bundles onboarding")
    form.get_by_role("button", name="Share").click()
    expect(page.locator("form.modal")).to_have_count(0)
    assert any("Globex bundles onboarding" in str(m.blocks) for m in stack.state.messages(MARKETING))


def test_buttons_on_an_ephemeral_message_act_for_whoever_sees_it(page, workspace):
    stack, url = workspace
    slack = SlackPage(page, url).open("sally", "customer-alerts")
    slack.command("/unhappy Acme Corp: billed twice !high")
    alert = slack.message("Acme Corp")
    slack.be("lee")  # on both teams: Truce asks which side Lee claims
    alert.hover()
    alert.get_by_role("button", name="Add reaction").first.click()
    page.locator("#emoji-picker").get_by_role("button", name=":raising_hand:").click()
    question = slack.note("Claim for Sales")
    question.get_by_role("button", name="Claim for Sales").click()
    expect(alert).to_contain_text("Lee Lead")
    assert f"<@{LEE}>" in str(stack.state.messages(ALERTS)[0].blocks)


def test_the_home_tab_and_the_apps_messages(page, workspace):
    stack, url = workspace
    slack = SlackPage(page, url).open("mark", "marketing")
    slack.app("Home")
    home = page.locator("#timeline .home")
    expect(home).to_contain_text("marketing")  # Truce's dashboard for Mark
    home.get_by_role("button", name="Publish a strategy").click()
    form = slack.modal("Publish a strategy")
    form.get_by_role("button", name="Close").click()  # the ✕
    expect(page.locator("form.modal")).to_have_count(0)

    slack.be("sam")
    slack.go("customer-alerts")
    slack.command("/unhappy Acme Corp: billed twice !high")
    slack.message("Acme Corp").get_by_role("button", name="Claim for Sales").click()
    slack.app("Messages")  # Truce's DMs: the note that Sam owns the sales side
    expect(page.locator("#timeline .msg").first).to_be_visible()
    assert stack.state.dms(SAM)
    expect(page.locator("#composer-input")).to_have_attribute("placeholder", "Type / for Truce's commands (messages "
                                                              "to this app are turned off)")


def test_a_reply_being_typed_survives_replies_arriving_meanwhile(page, workspace):
    from bot.sandbox.seed import SALLY

    stack, url = workspace
    slack = SlackPage(page, url).open("sam", "sales")
    slack.type("Who has talked to Initech this week?")
    asked = slack.message("Who has talked to Initech")
    asked.hover()
    asked.get_by_role("button", name="Reply in thread").click()
    reply = page.locator("#thread textarea")
    reply.type("I did, they")
    stack.driver.post_message(SALLY, SALES, "Me, on Tuesday", thread_ts=stack.state.messages(SALES)[-1].ts)
    expect(page.locator("#thread .msg", has_text="Me, on Tuesday")).to_be_visible()  # the page polled it in
    expect(reply).to_have_value("I did, they")
    expect(reply).to_be_focused()
