"""Block Kit as the page draws it and what using each element sends to the app, for the elements and
surfaces Truce's own stories do not reach: styles, confirm dialogs, overflow menus, selects of options
and of people, date pickers, images, and a modal's stack of pushed views.

An app posts them through the emulator's Web API (as Truce would); what the page then sends back
is read from the driver, which is Slack's side of the conversation."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from playwright.sync_api import expect
from slack_sdk import WebClient

from bot.sandbox.seed import BOT_TOKEN, JOINT, SALLY, SAM
from tests.browser.slack_page import SlackPage

SVG = "data:image/svg+xml," + quote(
    "<svg xmlns='http://www.w3.org/2000/svg' width='120' height='60'><rect width='120' height='60' fill='#36c5f0'/>"
    "<rect x='10' y='30' width='20' height='25' fill='#fff'/><rect x='45' y='15' width='20' height='40' fill='#fff'/>"
    "</svg>")


def _text(text: str, kind: str = "plain_text") -> dict:
    return {"type": kind, "text": text}


def _option(text: str, value: str) -> dict:
    return {"text": _text(text), "value": value}


GALLERY = [
    {"type": "header", "text": _text("Quarterly numbers :bar_chart:")},
    {"type": "section", "block_id": "g_intro",
     "text": _text("*Bold* _italic_ ~gone~ `code` <https://example.com|a link> for <@USAM001> in <#CSALES1|sales>",
                   "mrkdwn"),
     "fields": [_text("*Pipeline*\n1.2M EUR", "mrkdwn"), _text("*Won*\n14", "mrkdwn")],
     "accessory": {"type": "overflow", "action_id": "g_more",
                   "options": [_option("Archive", "archive"), _option("Share", "share")]}},
    {"type": "divider"},
    {"type": "context", "elements": [{"type": "image", "image_url": SVG, "alt_text": "chart icon"},
                                     _text("Posted by the gallery", "mrkdwn")]},
    {"type": "actions", "block_id": "g_actions", "elements": [
        {"type": "button", "action_id": "g_ok", "text": _text("Approve"), "style": "primary", "value": "ok"},
        {"type": "button", "action_id": "g_delete", "text": _text("Delete"), "style": "danger", "value": "del",
         "confirm": {"title": _text("Delete it?"), "text": _text("This cannot be undone.", "mrkdwn"),
                     "confirm": _text("Delete"), "deny": _text("Keep it"), "style": "danger"}},
        {"type": "static_select", "action_id": "g_region", "placeholder": _text("Pick a region"),
         "options": [_option("EMEA", "emea"), _option("APAC", "apac")]},
        {"type": "users_select", "action_id": "g_person", "placeholder": _text("Pick someone")},
        {"type": "datepicker", "action_id": "g_date", "initial_date": "2026-12-01"},
    ]},
    {"type": "image", "image_url": SVG, "alt_text": "pipeline chart", "title": _text("Pipeline by month")},
]


@pytest.fixture
def sent(workspace):
    """Every interaction payload Slack's side sends to the app from now on."""
    stack, _ = workspace
    payloads: list[dict] = []
    original = stack.driver._payload

    def spy(payload, **kw):
        payloads.append(json.loads(json.dumps(payload)))
        return original(payload, **kw)

    stack.driver._payload = spy
    return payloads


def _actions(payloads: list[dict]) -> list[dict]:
    return [a for p in payloads if p["type"] == "block_actions" for a in p["actions"]]


def test_block_kit_elements_look_and_act_as_in_slack(page, workspace, sent, shot):
    stack, url = workspace
    WebClient(token=BOT_TOKEN, base_url=stack.emulator.api_url).chat_postMessage(
        channel=JOINT, text="Quarterly numbers", blocks=GALLERY)
    slack = SlackPage(page, url).open("sam", "sales-marketing")
    msg = slack.message("Quarterly numbers")

    expect(msg.locator(".bk-header")).to_have_text("Quarterly numbers 📊")
    expect(msg.locator(".bk-text b")).to_have_text("Bold")
    expect(msg.locator(".bk-text i")).to_have_text("italic")
    expect(msg.locator(".bk-text s")).to_have_text("gone")
    expect(msg.locator(".bk-text code")).to_have_text("code")
    expect(msg.get_by_role("link", name="a link")).to_have_attribute("href", "https://example.com")
    expect(msg.locator(".mention-me")).to_have_text("@Sam Seller")
    expect(msg.locator(".bk-field")).to_have_count(2)
    expect(msg.locator("hr.bk-divider")).to_have_count(1)
    expect(msg.locator(".bk-context img")).to_have_attribute("alt", "chart icon")
    expect(msg.locator(".bk-image figcaption")).to_have_text("Pipeline by month")
    expect(msg.get_by_role("button", name="Approve")).to_have_class("btn btn-primary js-act")
    expect(msg.get_by_role("button", name="Delete")).to_have_class("btn btn-danger js-act")
    shot(page, "block-kit-gallery")

    msg.get_by_role("button", name="Delete").click()  # a confirm dialog first; "Keep it" sends nothing
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("Delete it?")
    expect(dialog).to_contain_text("This cannot be undone.")
    dialog.get_by_role("button", name="Keep it").click()
    expect(dialog).to_be_hidden()
    assert _actions(sent) == []
    def acting(do) -> None:
        with page.expect_response("**/ui/act"):
            do()

    acting(lambda: (msg.get_by_role("button", name="Delete").click(),
                    page.get_by_role("alertdialog").get_by_role("button", name="Delete").click()))
    acting(lambda: msg.get_by_role("button", name="Approve").click())
    msg.get_by_role("button", name="More options").click()
    acting(lambda: page.get_by_role("menuitem", name="Share").click())
    acting(lambda: msg.get_by_role("combobox", name="Pick a region").select_option("apac"))
    acting(lambda: msg.get_by_role("combobox", name="Pick someone").select_option(SALLY))
    acting(lambda: msg.locator("input[type=date]").fill("2026-12-24"))

    acts = _actions(sent)
    assert [(a["action_id"], a.get("value")) for a in acts if a["type"] == "button"] == [
        ("g_delete", "del"), ("g_ok", "ok")]
    by_id = {a["action_id"]: a for a in acts}
    assert by_id["g_more"]["selected_option"]["value"] == "share"
    assert by_id["g_region"]["selected_option"] == {"text": _text("APAC"), "value": "apac"}
    assert by_id["g_person"]["selected_user"] == SALLY
    assert by_id["g_date"]["selected_date"] == "2026-12-24"
    assert all(p["user"]["id"] == SAM and p["container"]["message_ts"] for p in sent)


def test_pushed_views_stack_and_close_as_in_slack(page, workspace, sent):
    stack, url = workspace
    slack = SlackPage(page, url).open("sam", "sales-marketing")
    client = WebClient(token=BOT_TOKEN, base_url=stack.emulator.api_url)
    first = {"type": "modal", "callback_id": "g_first", "title": _text("First step"), "close": _text("Cancel"),
             "notify_on_close": True, "blocks": [{"type": "section", "text": _text("Step one", "mrkdwn")}]}
    second = {"type": "modal", "callback_id": "g_second", "title": _text("Second step"), "close": _text("Back"),
              "submit": _text("Done"), "blocks": [
                  {"type": "input", "block_id": "g_when", "label": _text("When"),
                   "element": {"type": "datepicker", "action_id": "day"}}]}
    client.views_open(trigger_id=stack.emulator.issue_trigger(SAM), view=first)
    expect(slack.modal("First step")).to_contain_text("Step one")
    client.views_push(trigger_id=stack.emulator.issue_trigger(SAM), view=second)
    form = slack.modal("Second step")
    expect(form.locator(".modal-head").get_by_role("button", name="Back")).to_be_visible()  # a pushed view

    form.locator(".modal-foot").get_by_role("button", name="Back").click()  # its Close: back to the view under it
    expect(slack.modal("First step")).to_be_visible()
    assert [p["type"] for p in sent] == []  # no notify_on_close on the pushed view: Slack says nothing
    page.get_by_role("button", name="Close").click()  # the ✕: the whole modal
    expect(page.locator("form.modal")).to_have_count(0)
    assert [(p["type"], p["view"]["callback_id"], p["is_cleared"]) for p in sent] == [("view_closed", "g_first", True)]
    assert stack.state.open_views(SAM) == []
