"""Slack's v0 request signature, checked on the raw bytes before anything reads the body.

https://api.slack.com/authentication/verifying-requests-from-slack: the signature is
`v0=` + HMAC-SHA256(signing secret, `v0:{X-Slack-Request-Timestamp}:{raw body}`), and a timestamp
more than five minutes from now is refused (a replay). The headers are parsed here, strictly,
so that no malformed value can make a later parser raise with an unverified body in hand.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from collections.abc import Callable
from typing import Any

WINDOW = 5 * 60  # seconds, Slack's own replay window
TIMESTAMP = re.compile(r"[0-9]{1,12}")  # ASCII digits only (int() would take "١٢" or " 12")
SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")


def signature(secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode("ascii") + b":" + body
    return "v0=" + hmac.new(secret.encode("utf-8"), base, hashlib.sha256).hexdigest()


def problem(environ: dict[str, Any], body: bytes, secret: str, *,
            clock: Callable[[], float] = time.time) -> str | None:
    """Why this request is not Slack's (a short reason for a 401), or None when it is."""
    timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP")
    if not timestamp:
        return "X-Slack-Request-Timestamp is missing."
    if not TIMESTAMP.fullmatch(timestamp):
        return "X-Slack-Request-Timestamp is not a Unix time."
    if abs(clock() - int(timestamp)) > WINDOW:
        return "X-Slack-Request-Timestamp is more than 5 minutes from now."
    sent = environ.get("HTTP_X_SLACK_SIGNATURE")
    if not sent:
        return "X-Slack-Signature is missing."
    if not SIGNATURE.fullmatch(sent):
        return "X-Slack-Signature is malformed."
    if not hmac.compare_digest(signature(secret, timestamp, body), sent):
        return "X-Slack-Signature does not match."
    return None
