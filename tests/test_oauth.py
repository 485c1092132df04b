"""A distributed app: a workspace installs Truce through OAuth, and each workspace is served with
its own bot token; an uninstalled workspace gets nothing more."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from sqlmodel import select

from bot import delivery
from bot.models import Installation, Outbox, Workspace
from bot.sandbox.driver import SlackDriver
from bot.sandbox.seed import ADA, SALES, SAM, seed_state
from bot.sandbox.stack import SandboxStack
from bot.sandbox.state import WorkspaceState


@pytest.fixture
def distributed(db):
    stack = SandboxStack(engine=db, SLACK_BOT_TOKEN=None, SLACK_CLIENT_ID="1111.2222",
                         SLACK_CLIENT_SECRET="client-secret",
                         SLACK_AUTHORIZE_URL="https://slack.example/oauth/v2/authorize")
    second = stack.emulator.add_workspace(
        seed_state(WorkspaceState(team_id="T0SECOND", team_name="Second Co", domain="second"), token=None))
    driver = SlackDriver(app_url=stack.server.url + "/slack/events", signing_secret=stack.secret,
                         emulator=stack.emulator, settle=stack.settle, state=second)
    yield stack, second, driver
    stack.stop()


def _install(stack, team_id: str, user_id: str) -> httpx.Response:
    http = httpx.Client(base_url=stack.server.url)
    page = http.get("/slack/install")
    assert page.status_code == 200
    authorize = re.search(r'href="(https://slack\.example/oauth/v2/authorize[^"]+)"', page.text).group(1)
    query = parse_qs(urlparse(authorize.replace("&amp;", "&")).query)
    assert query["client_id"] == ["1111.2222"] and "commands" in query["scope"][0]
    code = stack.emulator.authorize(team_id, user_id)  # the person approves on Slack's page
    # The browser sends back the state cookie (it is `Secure`, so httpx keeps it off plain http).
    cookie = page.headers["set-cookie"].split(";")[0]
    return http.get("/slack/oauth_redirect", params={"code": code, "state": query["state"][0]},
                    headers={"Cookie": cookie})


def test_a_workspace_installs_truce_and_is_served_with_its_own_token(distributed):
    stack, second, driver = distributed
    assert stack.team_id is None  # no single-workspace token
    done = _install(stack, "T0SECOND", ADA)
    assert done.status_code == 200
    stack.settle()
    with stack.rt.session() as s:
        inst = s.get(Installation, "T0SECOND")
        assert inst.installer_user_id == ADA and inst.bot_token in second.tokens
        assert s.get(Workspace, "T0SECOND").name == "Second Co"
    [welcome] = second.dms(ADA)
    assert "Thanks for installing Truce" in welcome.text
    assert stack.emulator.primary.dms(ADA) == []  # nothing in the other workspace

    driver.command(SAM, "/truce", "help")
    body = driver.answer()
    assert "/truce setup" in body["text"]
    with stack.rt.session() as s:
        delivery.queue_post(s, team_id="T0SECOND", channel=SALES, text="for the second workspace")
    assert [m.text for m in second.messages(SALES)] == ["for the second workspace"]
    assert stack.emulator.primary.messages(SALES) == []


def test_a_replayed_or_forged_oauth_state_is_refused(distributed):
    stack, _second, _ = distributed
    http = httpx.Client(base_url=stack.server.url)
    code = stack.emulator.authorize("T0SECOND", ADA)
    response = http.get("/slack/oauth_redirect", params={"code": code, "state": "forged"})
    assert response.status_code == 400
    with stack.rt.session() as s:
        assert s.exec(select(Installation)).all() == []


def test_a_workspace_that_has_not_installed_truce_is_not_served(distributed):
    stack, _, _ = distributed
    primary = stack.driver  # the primary workspace never installed Truce in this mode
    primary.command(SAM, "/truce", "help")
    answer = primary.answer_text()
    assert "Truce isn't installed in this workspace" in answer and "/truce setup" not in answer


def test_uninstalling_stops_everything_for_that_workspace(distributed):
    stack, second, driver = distributed
    _install(stack, "T0SECOND", ADA)
    stack.settle()
    driver.event({"type": "app_uninstalled"})
    with stack.rt.session() as s:
        assert s.get(Installation, "T0SECOND") is None
    with stack.rt.session() as s:
        row = delivery.queue_post(s, team_id="T0SECOND", channel=SALES, text="too late")
    with stack.rt.session() as s:
        assert s.get(Outbox, row.id).status == "failed"
        assert s.get(Outbox, row.id).last_error == "not_installed"
    assert second.messages(SALES) == []
