"""The demo workspace the sandbox (and the tests) start with."""

from __future__ import annotations

from dataclasses import dataclass

from bot.sandbox.state import User, WorkspaceState

SALES, MARKETING, JOINT, ALERTS, RANDOM = "CSALES1", "CMKTG01", "CJOINT1", "CALERTS", "CRANDOM"
SAM, SALLY, MARK, MARIA, LEE, ADA, OLIVE = "USAM001", "USALLY1", "UMARK01", "UMARIA1", "ULEE001", "UADA001", "UOLIVE1"
BOT_TOKEN = "xoxb-sandbox-token"


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    real_name: str
    role: str
    is_admin: bool = False


PEOPLE = [
    Person(SAM, "sam", "Sam Seller", "sales rep"),
    Person(SALLY, "sally", "Sally Closer", "sales rep"),
    Person(MARK, "mark", "Mark Eting", "marketer"),
    Person(MARIA, "maria", "Maria Brand", "marketer"),
    Person(LEE, "lee", "Lee Lead", "lead of both teams"),
    Person(ADA, "ada", "Ada Admin", "Slack admin (on no team)", is_admin=True),
    Person(OLIVE, "olive", "Olive Outsider", "on neither team"),
]


def email_of(person: Person) -> str:
    """The demo person's e-mail address (what a CRM knows them by)."""
    return f"{person.name}@truce-demo.example"


def seed_state(state: WorkspaceState | None = None, *, token: str | None = BOT_TOKEN) -> WorkspaceState:
    """The demo people and channels; `token` is the bot token already installed (None: not yet)."""
    state = state or WorkspaceState()
    if token:
        state.add_token(token)
    for p in PEOPLE:
        state.add_user(User(p.id, p.name, p.real_name, is_admin=p.is_admin, email=email_of(p)))
    everyone = [p.id for p in PEOPLE]
    state.add_channel(SALES, "sales", [SAM, SALLY, LEE])
    state.add_channel(MARKETING, "marketing", [MARK, MARIA, LEE])
    state.add_channel(JOINT, "sales-marketing", [SAM, SALLY, MARK, MARIA, LEE])
    state.add_channel(ALERTS, "customer-alerts", everyone)
    state.add_channel(RANDOM, "random", everyone, bot_member=False)
    return state


def seed_env() -> dict[str, str]:
    """The settings that point a single-workspace Truce at the demo channels."""
    return {
        "TRUCE_SALES_CHANNEL": SALES, "TRUCE_MARKETING_CHANNEL": MARKETING,
        "TRUCE_JOINT_CHANNEL": JOINT, "TRUCE_ALERTS_CHANNEL": ALERTS, "TRUCE_LEADS": LEE,
    }
