"""Slack's Retry-After, read one way for the whole outbox (bot/pacing.retry_after): whatever a Slack (or
a fake, or a proxy) puts in the header, the post is delayed by a sane number of seconds, never failed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.clock import now
from bot.pacing import MAX_RETRY_AFTER, retry_after


@pytest.mark.parametrize(("header", "seconds"), [
    ({"Retry-After": "7"}, 7.0),
    ({"retry-after": ["2"]}, 2.0),
    ({"Retry-After": "0.2"}, 1.0),  # at least a second
    ({}, 1.0), (None, 1.0), ({"Retry-After": []}, 1.0),
    ({"Retry-After": "soon"}, 1.0),
    ({"Retry-After": "-5"}, 1.0),
    ({"Retry-After": "nan"}, 1.0),
    ({"Retry-After": "inf"}, 1.0),
    ({"Retry-After": "1e300"}, MAX_RETRY_AFTER),
    ({"Retry-After": "86400"}, MAX_RETRY_AFTER),
])
def test_retry_after_is_a_sane_number_of_seconds(header, seconds):
    wait = retry_after(header)
    assert wait == seconds
    assert now() + timedelta(seconds=wait) > now()  # usable in the outbox's date arithmetic
