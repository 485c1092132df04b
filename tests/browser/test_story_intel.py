"""Story: a marketer shares intel, sales finds it useful and opens a Discuss thread — in a browser."""

from __future__ import annotations

from playwright.sync_api import expect

from bot.sandbox.seed import JOINT, MARK, SALES, SAM
from tests.browser.slack_page import SlackPage


def test_a_marketer_shares_intel_sales_finds_it_useful_and_discusses_it(page, workspace, shot):
    stack, url = workspace
    slack = SlackPage(page, url).open("mark", "marketing")

    slack.command("/intel #pricing Acme cut list prices by 20% for new logos vs:Acme")
    slack.note("Your intel is shared with the other team")

    slack.be("sam")
    slack.go("sales")
    share = slack.message("Acme cut list prices by 20% for new logos")
    expect(share).to_contain_text("Pricing intel")
    expect(share.locator(".mention")).to_have_text("@Mark Eting")
    share.get_by_role("button", name="Useful").click()
    expect(share.get_by_role("button", name="Useful (1)")).to_be_visible()
    share.hover()
    share.get_by_role("button", name="Add reaction").first.click()
    page.locator("#emoji-picker").get_by_role("button", name=":bulb:").click()
    expect(share.locator(".reaction-mine", has_text="💡")).to_be_visible()
    shot(page, "intel-useful")

    share.get_by_role("button", name="Discuss").click()
    link = slack.note("Discussion opened in").get_by_role("link", name="go to the thread")
    link.click()  # a link to a message opens it here, in its thread
    expect(page.locator("#header .chan-title")).to_have_text("# sales-marketing")
    thread = page.locator("#thread")
    expect(thread).to_contain_text("opened a discussion of this intel")
    thread.locator("textarea").fill("Globex matched it last week: @mark can we get a battlecard?")
    thread.locator("textarea").press("Enter")
    expect(thread.locator(".msg", has_text="can we get a battlecard")).to_contain_text("@Mark Eting")
    shot(page, "intel-discuss")

    # What Slack holds is what the page showed: the vote, the reaction, the reply with a real mention.
    sales_post = stack.state.messages(SALES)[-1]
    assert SAM in sales_post.reactions["bulb"]
    joint_post = next(m for m in stack.state.messages(JOINT) if "Acme cut list prices" in str(m.blocks))
    reply = stack.state.replies(JOINT, joint_post.ts)[-1]
    assert reply.user == SAM and f"<@{MARK}>" in reply.text
