"""users.lookupByEmail in the emulator, as Slack documents it: the person for an e-mail address (needs
users:read.email, else `missing_scope`), `users_not_found` for an unknown or deactivated one; e-mail
addresses in users.info and users.list only for a token with that scope. Over HTTP, through slack_sdk."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.oauth import BOT_SCOPES
from bot.sandbox.emulator import SlackEmulator
from bot.sandbox.seed import BOT_TOKEN, SAM, seed_state
from bot.sandbox.state import User

LIMITED = "xoxb-without-email-scope"


@pytest.fixture
def emu():
    state = seed_state()
    state.add_token(LIMITED, scopes=["chat:write", "users:read"])
    state.add_user(User("UGONE01", "gone", "Gone Person", email="gone@truce-demo.example", deleted=True))
    e = SlackEmulator(state).start()
    yield e
    e.stop()


def _error(call) -> dict:
    with pytest.raises(SlackApiError) as err:
        call()
    return err.value.response.data


def test_finds_the_person_by_email_in_any_case(emu):
    client = WebClient(token=BOT_TOKEN, base_url=emu.api_url)
    user = client.users_lookupByEmail(email="Sam@Truce-Demo.example")["user"]
    assert (user["id"], user["profile"]["email"], user["team_id"]) == (SAM, "sam@truce-demo.example", "T0TRUCE")
    assert emu.state.calls[-1] == ("users.lookupByEmail", {"email": "Sam@Truce-Demo.example"})


def test_unknown_or_deactivated_is_users_not_found(emu):
    client = WebClient(token=BOT_TOKEN, base_url=emu.api_url)
    assert _error(lambda: client.users_lookupByEmail(email="nobody@elsewhere.example"))["error"] == "users_not_found"
    assert _error(lambda: client.users_lookupByEmail(email="gone@truce-demo.example"))["error"] == "users_not_found"
    missing = _error(lambda: client.api_call("users.lookupByEmail", http_verb="GET", params={}))
    assert missing["error"] == "invalid_arguments"


def test_needs_users_read_email(emu):
    limited = WebClient(token=LIMITED, base_url=emu.api_url)
    answer = _error(lambda: limited.users_lookupByEmail(email="sam@truce-demo.example"))
    assert answer == {"ok": False, "error": "missing_scope", "needed": "users:read.email",
                      "provided": "chat:write,users:read"}


def test_email_in_user_objects_only_with_the_scope(emu):
    full = WebClient(token=BOT_TOKEN, base_url=emu.api_url)
    limited = WebClient(token=LIMITED, base_url=emu.api_url)
    assert full.users_info(user=SAM)["user"]["profile"]["email"] == "sam@truce-demo.example"
    assert "email" not in limited.users_info(user=SAM)["user"]["profile"]
    assert all("email" not in m["profile"] for m in limited.users_list()["members"])


def test_the_seeded_token_and_an_install_carry_the_manifests_scopes(emu):
    assert emu.state.scopes_of(BOT_TOKEN) == frozenset(BOT_SCOPES)
    assert "users:read.email" in BOT_SCOPES
    code = emu.authorize("T0TRUCE", SAM, scopes=["chat:write"])
    granted = WebClient(base_url=emu.api_url).oauth_v2_access(client_id="1", client_secret="2", code=code)
    assert granted["scope"] == "chat:write"
    assert _error(lambda: WebClient(token=granted["access_token"], base_url=emu.api_url)
                  .users_lookupByEmail(email="sam@truce-demo.example"))["error"] == "missing_scope"
