"""Installing Truce into many workspaces: Slack's OAuth v2 flow (Bolt's), with the installations
and one-time states kept in Truce's own database, so every replica sees them."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from logging import Logger, getLogger
from typing import TYPE_CHECKING, Any

from slack_bolt import BoltResponse
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.authorize import Authorize
from slack_bolt.error import BoltError
from slack_bolt.oauth.callback_options import CallbackOptions, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk.oauth.installation_store import Bot, InstallationStore
from slack_sdk.oauth.installation_store import Installation as SlackInstallation
from slack_sdk.oauth.state_store import OAuthStateStore
from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import col

from bot import delivery
from bot.clock import aware, now
from bot.db import session_scope
from bot.models import Installation, OAuthState
from bot.people import refresh_teams
from bot.setup.workspaces import ensure_workspace

if TYPE_CHECKING:
    from bot.runtime import Runtime

BOT_SCOPES = [
    "channels:history", "channels:read", "chat:write", "commands", "files:write", "groups:history",
    "groups:read", "im:history", "im:write", "reactions:read", "reactions:write", "users:read",
]
STATE_TTL = timedelta(minutes=10)


def _team_id(installation: SlackInstallation) -> str:
    """Truce is installed into one workspace at a time (the manifest has org_deploy_enabled false), so
    Slack names the workspace; an organization-wide install, which names none, is refused."""
    if not installation.team_id:
        raise BoltError("Truce installs into a workspace, not across an organization")
    return installation.team_id


class DbInstallationStore(InstallationStore):
    def __init__(self, engine: Engine):
        self.engine = engine
        self._cache: dict[str, tuple[float, Installation | None]] = {}
        self._lock = threading.Lock()

    @property
    def logger(self) -> Logger:
        return getLogger(__name__)

    def save(self, installation: SlackInstallation) -> None:
        team_id = _team_id(installation)
        with session_scope(self.engine) as session:
            row = session.get(Installation, team_id) or Installation(
                team_id=team_id, bot_token="", installer_user_id=installation.user_id)
            row.team_name = installation.team_name
            row.enterprise_id = installation.enterprise_id
            row.app_id = installation.app_id
            row.bot_token = installation.bot_token or ""
            row.bot_id = installation.bot_id
            row.bot_user_id = installation.bot_user_id
            row.bot_scopes = ",".join(installation.bot_scopes or [])
            row.installer_user_id = installation.user_id
            row.installed_at = now()
            session.add(row)
        self.forget(team_id)

    def row(self, team_id: str | None) -> Installation | None:
        """The installation of a workspace (cached for a minute: it is read on every request)."""
        if not team_id:
            return None
        with self._lock:
            hit = self._cache.get(team_id)
            if hit and hit[0] > time.monotonic():
                return hit[1]
        with session_scope(self.engine) as session:
            row = session.get(Installation, team_id)
        with self._lock:
            self._cache[team_id] = (time.monotonic() + 60, row)
        return row

    def forget(self, team_id: str) -> None:
        with self._lock:
            self._cache.pop(team_id, None)

    def find_bot(self, *, enterprise_id: str | None, team_id: str | None,
                 is_enterprise_install: bool | None = False) -> Bot | None:
        row = self.row(team_id)
        if row is None or row.bot_id is None or row.bot_user_id is None:  # no bot: never, with bot scopes
            return None
        return Bot(app_id=row.app_id, enterprise_id=row.enterprise_id, team_id=row.team_id,
                   team_name=row.team_name, bot_token=row.bot_token, bot_id=row.bot_id,
                   bot_user_id=row.bot_user_id, bot_scopes=row.bot_scopes, installed_at=row.installed_at)

    def find_installation(self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None,
                          is_enterprise_install: bool | None = False) -> SlackInstallation | None:
        row = self.row(team_id)
        if row is None:
            return None
        return SlackInstallation(app_id=row.app_id, enterprise_id=row.enterprise_id, team_id=row.team_id,
                                 team_name=row.team_name, bot_token=row.bot_token, bot_id=row.bot_id,
                                 bot_user_id=row.bot_user_id, bot_scopes=row.bot_scopes,
                                 user_id=row.installer_user_id, installed_at=row.installed_at)

    def delete_installation(self, *, enterprise_id: str | None, team_id: str | None,
                            user_id: str | None = None) -> None:
        if user_id is None and team_id:
            self.delete_bot(enterprise_id=enterprise_id, team_id=team_id)

    def delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        with session_scope(self.engine) as session:
            session.exec(delete(Installation).where(col(Installation.team_id) == team_id))
        self.forget(team_id or "")


class DbStateStore(OAuthStateStore):
    def __init__(self, engine: Engine):
        self.engine = engine

    @property
    def logger(self) -> Logger:
        return getLogger(__name__)

    def issue(self, *args: Any, **kwargs: Any) -> str:
        state = secrets.token_urlsafe(24)
        with session_scope(self.engine) as session:
            session.exec(delete(OAuthState).where(col(OAuthState.expires_at) < now()))
            session.add(OAuthState(state=state, expires_at=now() + STATE_TTL))
        return state

    def consume(self, state: str) -> bool:
        with session_scope(self.engine) as session:
            row = session.get(OAuthState, state)
            if row is None:
                return False
            session.delete(row)
            return aware(row.expires_at) > now()


def welcome_text() -> str:
    return ("Thanks for installing Truce! Next: invite me to your sales, marketing, joint and customer-alerts "
            "channels (`/invite @Truce`), then run `/truce setup` to choose them. `/truce help` lists everything.")


def on_installed(rt: Runtime) -> Callable[[SuccessArgs], BoltResponse]:
    """After a workspace installs Truce: its row, its teams, and a welcome DM to the installer."""

    def success(args: SuccessArgs) -> BoltResponse:
        installation = args.installation
        team_id = _team_id(installation)
        with rt.session() as session:
            ws = ensure_workspace(session=session, team_id=team_id, settings=rt.settings)
            ws.name, ws.bot_user_id = installation.team_name, installation.bot_user_id
            session.add(ws)
            delivery.queue_post(session, team_id=ws.team_id, channel=installation.user_id, text=welcome_text(),
                                key=f"welcome:{installation.user_id}:{int(installation.installed_at)}")
        refresh_teams(rt, team_id)
        return args.default.success(args)

    return success


def oauth_settings(rt: Runtime) -> OAuthSettings:
    settings, store = rt.settings, rt.installations
    if store is None:
        raise ValueError("OAuth needs the installations table (a runtime built with settings.oauth)")
    return OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=BOT_SCOPES,
        installation_store=store,
        installation_store_bot_only=True,
        state_store=DbStateStore(store.engine),
        install_path="/slack/install",
        redirect_uri_path="/slack/oauth_redirect",
        authorization_url=settings.slack_authorize_url,
        callback_options=CallbackOptions(success=on_installed(rt), failure=lambda args: args.default.failure(args)),
    )


class DbAuthorize(Authorize):
    """Bolt's per-request authorization from the installations table alone: Bolt's default asks
    Slack (auth.test) on every request, which would make each answer wait on Slack. A workspace
    without an installation gets an empty result; `bot.app` then answers it without calling Slack."""

    def __init__(self, store: DbInstallationStore):
        self.store = store

    def __call__(self, *, context: object, enterprise_id: str | None, team_id: str | None, user_id: str | None,
                 **_: object) -> AuthorizeResult:
        row = self.store.row(team_id)
        if row is None:
            return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id)
        return AuthorizeResult(enterprise_id=row.enterprise_id, team_id=row.team_id, bot_token=row.bot_token,
                               bot_id=row.bot_id, bot_user_id=row.bot_user_id,
                               bot_scopes=[s for s in row.bot_scopes.split(",") if s])
