"""What a feature declares: one `Feature` value per feature (see bot/features.py for the list).

A feature is a package in bot/ (its tables, rules, services, Block Kit builders), its listeners in
handlers/<feature>/ and its scheduled work in jobs/<feature>.py. Its `Feature` says how it plugs into the
app: the app registers its listeners, the scheduler runs its jobs, `/truce <word>` and `/joint <word>` route to its
sub-commands, reactions and message events go to its handlers, the web server serves its routes, App Home
shows its section and the joint meeting's agenda lists its sections. Nothing registers itself anywhere else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from slack_bolt import App
    from slack_sdk.models.blocks import Block
    from sqlmodel import Session

    from bot.models import Workspace
    from bot.runtime import Runtime

# An HTTP route: handler(rt, environ, body) -> (status, headers, body bytes); keyed by (method, path).
Response = tuple[str, list[tuple[str, str]], bytes]
Route = Callable[["Runtime", dict[str, Any], bytes], Response]
# `/truce <word> ...` or `/joint <word> ...`: called with the Bolt arguments (ack, command, client, context,
# respond), the injected `rt` and `ws`, and `rest`.
SubCommand = Callable[..., None]
# A reaction (event=, context=, client=, rt=, ws=, removed=) or message event (event=, context=, client=, rt=,
# ws=) handler:
# True when the event was its business (then no later feature sees it).
EventHandler = Callable[..., bool]
# The feature's App Home section for one person (empty: nothing to show).
HomeSection = Callable[["Session", "Workspace", str], list["Block"]]


@dataclass
class AgendaSection:
    """One section of a quarter's joint-meeting agenda."""

    title: str
    lines: list[str] = field(default_factory=list)  # mrkdwn, user text already escaped
    order: int = 50  # lower comes first


# The feature's section of the agenda for the quarter [start, end) (UTC), or None.
AgendaSource = Callable[..., AgendaSection | None]  # (*, session, team_id, start, end)


@dataclass(frozen=True)
class Job:
    """Scheduled work: `func(rt)` on an APScheduler trigger ("interval" or "cron", with `every`).

    APScheduler is only the clock: the database says what is due, and what a job posts is claimed by a
    unique row, so replicas never do it twice."""

    func: Callable[[Runtime], object]
    trigger: str
    id: str
    every: Mapping[str, Any] = field(default_factory=dict)  # the trigger's fields: minutes=1, minute="*/5"...
    first_run_after: timedelta | None = None  # also once this soon after start


def _frozen(mapping: Mapping | None = None) -> Mapping:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True)
class Feature:
    name: str
    listeners: tuple[Callable[[App], None], ...] = ()  # each registers some of its Bolt listeners
    jobs: tuple[Job, ...] = ()
    truce_commands: Mapping[str, SubCommand] = field(default_factory=_frozen)  # /truce <word>
    joint_commands: Mapping[str, SubCommand] = field(default_factory=_frozen)  # /joint <word>
    reactions: EventHandler | None = None
    messages: EventHandler | None = None
    routes: Mapping[tuple[str, str], Route] = field(default_factory=_frozen)
    home_section: HomeSection | None = None
    agenda_sections: tuple[AgendaSource, ...] = ()
    # Durable task kinds (bot/tasks.py) its listeners store, with the function that finishes each.
    tasks: Mapping[str, Callable[..., None]] = field(default_factory=_frozen)

    def __post_init__(self) -> None:
        for name in ("truce_commands", "joint_commands", "routes", "tasks"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))


def truce_commands(features: Iterable[Feature]) -> dict[str, SubCommand]:
    return {word: fn for f in features for word, fn in f.truce_commands.items()}


def joint_commands(features: Iterable[Feature]) -> dict[str, SubCommand]:
    return {word: fn for f in features for word, fn in f.joint_commands.items()}


def routes(features: Iterable[Feature]) -> dict[tuple[str, str], Route]:
    return {key: fn for f in features for key, fn in f.routes.items()}


def task_functions(features: Iterable[Feature]) -> dict[str, Callable[..., None]]:
    return {kind: fn for f in features for kind, fn in f.tasks.items()}


def agenda_sources(features: Iterable[Feature]) -> tuple[AgendaSource, ...]:
    return tuple(source for f in features for source in f.agenda_sections)

