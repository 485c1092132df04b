"""The link to a customer alert (the Slack-facing side of unhappiness reports).

Once the alert is posted, its permalink (chat.getPermalink) is fetched once and kept on the
report; before that, messages point at the alerts channel instead.
"""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.db import session_scope
from bot.models import Outbox
from bot.runtime import Runtime
from bot.unhappy.models import UnhappyReport

log = logging.getLogger(__name__)


def ensure_permalink(rt: Runtime, *, team_id: str, report_id: int) -> str | None:
    """The alert's permalink, fetched and stored the first time it is known (None: not posted yet)."""
    with session_scope(rt.engine) as session:
        report = session.get(UnhappyReport, report_id)
        if report is None or report.team_id != team_id:
            return None
        if report.alert_permalink:
            return report.alert_permalink
        row = session.get(Outbox, report.alert_outbox_id) if report.alert_outbox_id else None
        if row is None or not row.posted_ts or not row.posted_channel:
            return None
        channel, ts = row.posted_channel, row.posted_ts
    try:
        permalink = rt.client_for(team_id).chat_getPermalink(channel=channel, message_ts=ts)["permalink"]
    except SlackApiError as exc:
        log.warning("chat.getPermalink for report %s failed: %s", report_id, exc.response.get("error"))
        return None
    except OSError as exc:  # no answer (a time-out, a dropped connection): fetched again next time
        log.warning("chat.getPermalink for report %s got no answer: %r", report_id, exc)
        return None
    except LookupError:  # the workspace uninstalled Truce
        log.warning("chat.getPermalink for report %s: Truce is not installed in %s", report_id, team_id)
        return None
    with session_scope(rt.engine) as session:
        report = session.get(UnhappyReport, report_id)
        if report is None:  # deleted while Slack answered: nothing to link to any more
            return None
        report.alert_permalink = permalink
        session.add(report)
    return permalink
