"""Never a 500, whatever a signed body's fields hold: every kind of payload Slack sends (recorded from
a run of the driver, as Slack would send it), with each field up to three levels deep removed or
replaced by a value of every JSON type, signed and sent. Each answer must be a 2xx, 3xx or 4xx; a
refusal is fine, a crash is not. Also the satisfaction webhook, field by field."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode

import httpx
import pytest

from bot import slack_signature
from bot.ids import IntelIds
from bot.sandbox.seed import ALERTS, MARK, SALES, SALLY, SAM

DELETE = object()
ODD = [DELETE, None, 0, -1, 1.5, True, "", "x", "\u0000", "T0OTHER", [], [1], {}, {"id": 5}]
FORM_ODD = [DELETE, "", "x", "\u0000", "%ZZ", "x" * 3000]
SKIP = {"blocks", "values", "attachments", "files"}  # large subtrees of content, not of routing
DEPTH = 3


def _record(stack) -> list[tuple[str, str]]:
    """(content type, body) of every request the driver sends during a short session of everything."""
    sent: list[tuple[str, str]] = []
    post = stack.driver.http.post

    def recording(url, *, content, headers, **kw):
        sent.append((headers["Content-Type"], content.decode()))
        return post(url, content=content, headers=headers, **kw)

    stack.driver.http.post = recording
    d = stack.driver
    d.command(SAM, "/unhappy", "Acme: billing is wrong !high", channel=SALES)
    d.click(SAM, stack.last(ALERTS), "unhappy_claim_sales")
    d.command(MARK, "/intel")
    d.submit(MARK, stack.state.open_views(MARK)[-1].id, {IntelIds.SUMMARY: "Globex bundles onboarding"})
    d.command(MARK, "/intel")
    closing = stack.state.open_views(MARK)[-1]
    d.close(MARK, closing.id)  # Slack sends view_closed only for notify_on_close: recorded below, as it would be
    message = d.say(SAM, SALES, "#pricing Initech quoted 30% under us")
    d.shortcut(MARK, IntelIds.SHORTCUT, message)
    d.react(SALLY, message, "bulb")
    d.edit(message, "#pricing Initech quoted 40% under us")
    d.open_home(SAM)
    d.url_verification("challenge-1")
    stack.driver.http.post = post
    suggestion = {"type": "block_suggestion", "user": {"id": SAM, "team_id": stack.team_id},
                  "team": {"id": stack.team_id}, "action_id": "x", "block_id": "y", "value": "Ac",
                  "api_app_id": "A0TRUCE", "container": {"type": "view", "view_id": "V1"}}
    sent.append(("application/x-www-form-urlencoded", urlencode({"payload": json.dumps(suggestion)})))
    closed = {"type": "view_closed", "team": {"id": stack.team_id}, "user": {"id": MARK, "team_id": stack.team_id},
              "api_app_id": "A0TRUCE", "view": {**closing.view, "notify_on_close": True}, "is_cleared": False}
    sent.append(("application/x-www-form-urlencoded", urlencode({"payload": json.dumps(closed)})))
    kinds = {_kind(content_type, body) for content_type, body in sent}
    assert {"command", "block_actions", "view_submission", "view_closed", "message_action", "block_suggestion",
            "event_callback:reaction_added", "event_callback:message", "event_callback:app_home_opened",
            "url_verification"} <= kinds, kinds
    return sent


def _kind(content_type: str, body: str) -> str:
    data = _parse(content_type, body)[1]
    if "command" in data:
        return "command"
    event = data.get("event") or {}
    return f"{data['type']}:{event['type']}" if event else data["type"]


def _parse(content_type: str, body: str) -> tuple[str, dict[str, Any]]:
    """("json" | "payload" | "form", the data)."""
    if content_type.startswith("application/json"):
        return "json", json.loads(body)
    form = dict(parse_qsl(body, keep_blank_values=True))
    return ("payload", json.loads(form["payload"])) if "payload" in form else ("form", form)


def _encode(how: str, data: dict[str, Any]) -> str:
    if how == "json":
        return json.dumps(data)
    if how == "payload":
        return urlencode({"payload": json.dumps(data)})
    return urlencode(data)


def _paths(data: Any, prefix: tuple = (), depth: int = DEPTH) -> Iterator[tuple]:
    if depth == 0:
        return
    items = data.items() if isinstance(data, dict) else enumerate(data[:1]) if isinstance(data, list) else ()
    for key, value in items:
        if key in SKIP:
            continue
        yield (*prefix, key)
        yield from _paths(value, (*prefix, key), depth - 1)


def _mutated(data: Any, path: tuple, value: Any) -> Any:
    copy = json.loads(json.dumps(data))
    parent = copy
    for key in path[:-1]:
        parent = parent[key]
    if value is DELETE:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return copy


def _signed(stack, content_type: str, body: str) -> dict[str, str]:
    ts = str(int(time.time()))
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": slack_signature.signature(stack.secret, ts, body.encode())}


def test_no_signed_body_gets_a_500_whatever_its_fields_hold(stack):
    recorded = _record(stack)
    http = httpx.Client(base_url=stack.server.url, timeout=10)
    crashes, tried = [], 0
    for content_type, body in recorded:
        how, data = _parse(content_type, body)
        odd = FORM_ODD if how == "form" else ODD
        for path in _paths(data):
            for value in odd:
                fuzzed = _encode(how, _mutated(data, path, value))
                response = http.post("/slack/events", content=fuzzed.encode(),
                                     headers=_signed(stack, content_type, fuzzed))
                tried += 1
                if response.status_code >= 500:
                    crashes.append((_kind(content_type, body), path, value, response.status_code, response.text))
    stack.settle()
    assert tried > 1000
    assert crashes == [], "\n".join(map(repr, crashes[:20]))


CSAT_FIELDS = {"customer": "Acme", "score": 4, "scale": 5, "comment": "slow support", "source": "survey"}
CSAT_ODD = [DELETE, None, True, False, 0, -1, 4, 4.5, 10, 10.0, 1e308, 10**400, "", " ", "4", "10", "x" * 5000,
            [], [10], {}, {"a": 1}]


@pytest.fixture
def csat_token(stack) -> str:
    from bot.unhappy import csat

    with stack.rt.session() as s:
        return csat.issue_token(session=s, team_id=stack.team_id, user_id=SAM)


def test_the_csat_webhook_never_answers_500_whatever_its_fields_hold(stack, csat_token):
    http = httpx.Client(base_url=stack.server.url, timeout=10)
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {csat_token}"}
    for field in CSAT_FIELDS:
        for value in CSAT_ODD:
            body = json.dumps(_mutated(CSAT_FIELDS, (field,), value))
            response = http.post("/webhooks/csat", content=body.encode(), headers=headers)
            assert response.status_code in (201, 400), (field, value, response.status_code, response.text)
            answer = response.json()
            assert answer["ok"] is (response.status_code == 201), (field, value, answer)
            assert answer["ok"] or (answer["error"] and answer["detail"])
