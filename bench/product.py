"""Where the benchmarks reach into Truce beyond its stable entry points.

The instruments drive Truce through what stays put when feature modules move: `python -m bot serve`
and `python -m bot migrate`, `bot.app.build_app`, `bot.runtime`, `bot.db`, `bot.delivery`,
`bot.sender` and the Slack emulator (`bot.sandbox`). Whatever else they need — settings, a feature
service, a scheduled job — is imported here, one small function each, so a module that moves is
fixed in this file alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def settings(**values: Any):
    """Truce's settings from these values (names as the environment spells them)."""
    from bot.config import load_settings

    return load_settings(**values)


def migrate(engine) -> None:
    from bot import migrate as alembic

    alembic.upgrade(engine)


def web_threads_default() -> int:
    """How many request threads `python -m bot serve` answers Slack with, unless TRUCE_WEB_THREADS says."""
    from bot.config import Settings

    return Settings.model_fields["web_threads"].default


def sender_workers() -> int:
    """How many channels the outbox's sender posts to at once."""
    from bot import sender

    return sender.WORKERS


def tick_jobs() -> dict[str, tuple[str, Callable[[Any], Any]]]:
    """The scheduled jobs that run more often than hourly: name -> (how often, job(runtime))."""
    from jobs import competitors, intel, joint, outbox, scorecard, tasks, unhappy

    return {
        "joint.run_due": ("1 min", joint.run_due),
        "scorecard.run_due": ("1 min", scorecard.run_due),
        "unhappy.send_reminders": ("1 min", unhappy.send_reminders),
        "intel.post_digests": ("5 min", intel.post_digests),
        "competitors.send_weekly_news": ("5 min", competitors.send_weekly_news),
        "unhappy.send_csat_digests": ("15 min", unhappy.send_csat_digests),
        "tasks.run_due": ("15 s", tasks.run_due),
        "outbox.retry_due": ("15 s", outbox.retry_due),
    }


def schedule_jobs() -> tuple[str, ...]:
    """The per-workspace jobs' names in the `schedule_due` table."""
    from bot import schedule_due

    return schedule_due.JOBS


def new_workspaces_due(engine, team_ids: list[str]) -> None:
    """What creating these workspaces writes in `schedule_due` (every job due at once), for rows inserted in SQL."""
    from bot import schedule_due
    from bot.db import session_scope

    with session_scope(engine) as session:
        schedule_due.due_asap(session, team_ids)


def next_due_times(engine, team_id: str, at) -> dict[str, Any]:
    """Each per-workspace job's next due time for this workspace after a run at `at`, as the jobs compute it."""
    from bot import schedule_due
    from bot.db import session_scope
    from bot.intel.reports import next_due as digest_due
    from bot.joint import meetings
    from bot.joint.due import next_due as joint_due
    from bot.models import Workspace
    from bot.unhappy.csat_reports import next_digest
    from jobs import members, scorecard

    with session_scope(engine, read_only=True) as session:
        ws = session.get_one(Workspace, team_id)
        up = meetings.upcoming(session=session, ws=ws, at=at)
        return {
            schedule_due.JOINT: joint_due(session, ws=ws, at=at),
            schedule_due.INTEL_DIGEST: digest_due(ws, at),
            schedule_due.INTEL_FEEDBACK: digest_due(ws, at),
            schedule_due.CSAT_DIGEST: next_digest(ws, at),
            schedule_due.SCORECARD_CHART: scorecard.next_due_after(ws, up, at),
            schedule_due.MEMBERS: at + members.EVERY,
        }


def joint_prompts_due_at(engine, team_ids: list[str], at) -> Any:
    """A moment after `at` when every one of these workspaces' next joint prompt is due and its meeting
    not begun yet (None if there is none)."""
    from bot.db import session_scope
    from bot.joint import meetings
    from bot.models import Workspace

    with session_scope(engine, read_only=True) as session:
        ups = [meetings.upcoming(session=session, ws=session.get_one(Workspace, t), at=at) for t in team_ids]
    if any(up is None for up in ups):
        return None
    moment = max(up.prompt_at for up in ups if up is not None)
    return moment if moment < min(up.starts_at for up in ups if up is not None) else None


def intel_search(engine, team_id: str, query_text: str) -> int:
    """`/intel search <query_text>`'s whole work: parse, the query, the Block Kit answer. Shares found."""
    from bot.db import session_scope
    from bot.intel import search
    from bot.intel.blocks_lists import search_blocks
    from bot.intel.parsing import parse_search

    query = parse_search(query_text)
    with session_scope(engine, read_only=True) as session:
        page = search.search(session=session, team_id=team_id, query=query)
        search_blocks(page, query_text=query_text, query=query)
    return len(page.shares)


def fill_shares(engine, count: int) -> float:
    """`count` synthetic shares for the search benchmark's workspace (bench.intel_search); seconds taken."""
    from bench import intel_search

    return intel_search.fill(engine, count)


def link_competitors(engine) -> float:
    from bench import intel_search

    return intel_search.link_competitors(engine)


def battlecard(engine, name: str) -> int:
    """`/intel vs <name>`'s whole work: the battlecard's queries and blocks. Shares shown."""
    from bench import intel_search

    return intel_search.battlecard(engine, name)


def battlecard_names() -> list[str]:
    from bench import intel_search

    return list(intel_search.COMPETITORS)


def search_queries() -> list[str]:
    from bench import intel_search

    return intel_search.queries()


SEARCH_TEAM = "T0BENCH"  # bench.intel_search.TEAM, without importing the services it needs


def intel_modal_values(summary: str) -> dict[str, str]:
    """What a person types into the /intel share modal: action_id -> value (the rest as Slack leaves it)."""
    from bot.ids import IntelIds

    return {IntelIds.SUMMARY: summary, IntelIds.KIND: "pricing"}


def useful_action_id() -> str:
    """The action_id of the Useful button under an intel post."""
    from bot.ids import IntelIds

    return IntelIds.USEFUL


def bootstrap(rt) -> None:
    """What `python -m bot serve` does before it serves: the token's workspace and its teams."""
    from bot.bootstrap import bootstrap as set_up

    set_up(rt)


def wsgi(rt, app):
    """Truce's WSGI app (what waitress serves) around a Bolt app built by bot.app.build_app."""
    from bot.web import make_wsgi

    return make_wsgi(rt, app)
