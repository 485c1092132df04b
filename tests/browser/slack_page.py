"""A person at the sandbox's page, in Playwright terms: who they are, where they look, what they type
and click. Every step waits for what Slack's client would show, never for time."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect


class SlackPage:
    def __init__(self, page: Page, url: str):
        self.page, self.url = page, url

    def open(self, person: str, channel: str = "sales-marketing") -> SlackPage:
        self.page.goto(f"{self.url}?as={person}")
        self.go(channel)
        return self

    # --- where ---------------------------------------------------------------------------------
    def be(self, person: str) -> None:
        """The "you are …" switch."""
        self.page.select_option("#you-are", person)
        expect(self.page.locator("#you-are")).to_have_value(person)
        self.page.wait_for_load_state("networkidle")

    def go(self, channel: str) -> None:
        self.page.locator(f'#sidebar .side-item[data-name="{channel}"]').click()
        expect(self.page.locator("#header .chan-title")).to_have_text(f"# {channel}")

    def app(self, tab: str = "Home") -> None:
        self.page.locator("#sidebar .side-item", has_text="Truce").click()
        self.page.get_by_role("tab", name=tab).click()
        expect(self.page.get_by_role("tab", name=tab)).to_have_attribute("aria-selected", "true")

    # --- typing ---------------------------------------------------------------------------------
    def type(self, text: str) -> None:
        box = self.page.locator("#composer-input")
        box.click()
        box.fill(text)
        self.page.keyboard.press("Escape")  # no autocomplete choice: send what was typed
        box.press("Enter")
        expect(box).to_have_value("")

    def command(self, text: str) -> None:
        """A slash command, picked from the autocomplete the way people do: the first letters, Tab."""
        name, _, rest = text.partition(" ")
        box = self.page.locator("#composer-input")
        box.click()
        box.fill("")
        box.type(name[:3])
        suggestion = self.page.locator("#autocomplete .ac-row", has_text=name)
        expect(suggestion.first).to_be_visible()
        box.press("Tab")
        expect(box).to_have_value(name + " ")
        box.type(rest)
        box.press("Enter")
        expect(box).to_have_value("")

    # --- reading --------------------------------------------------------------------------------
    def message(self, text: str | re.Pattern, *, where: str = "#timeline") -> Locator:
        found = self.page.locator(f"{where} .msg:not(.msg-ephemeral)", has_text=text).last
        expect(found).to_be_visible()
        return found

    def note(self, text: str | re.Pattern) -> Locator:
        """An ephemeral message: only visible to this person."""
        found = self.page.locator("#timeline .msg-ephemeral", has_text=text).last
        expect(found).to_be_visible()
        return found

    def modal(self, title: str) -> Locator:
        form = self.page.locator("form.modal")
        expect(form.locator("h2")).to_contain_text(title)
        return form

    def field(self, label: str) -> Locator:
        return self.page.locator("form.modal .field", has=self.page.locator(".field-label", has_text=label))

    def toast(self, text: str | re.Pattern) -> None:
        expect(self.page.locator("#toast")).to_contain_text(text)
