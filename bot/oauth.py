"""Installing Truce into many workspaces: Slack's OAuth v2 flow (Bolt's), with the installations
and one-time states kept in Truce's own database, so every replica sees them."""

from __future__ import annotations

import secrets
import threading
import time
from datetime import timedelta
from logging import Logger, getLogger

from slack_bolt import BoltResponse
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.authorize import Authorize
from slack_bolt.oauth.callback_options import CallbackOptions, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk.oauth.installation_store import Bot, InstallationStore
from slack_sdk.oauth.installation_store import Installation as SlackInstallation
from slack_sdk.oauth.state_store import OAuthStateStore
from sqlalchemy import delete
from sqlalchemy.engine import Engine

from bot import delivery
from bot.clock import aware, now
from bot.db import session_scope
from bot.models import Installation, OAuthState
from bot.people import refresh_teams
from bot.setup.workspaces import ensure_workspace

BOT_SCOPES = [
    "channels:history", "channels:read", "chat:write", "commands", "files:write", "groups:history",
    "groups:read", "im:history", "im:write", "reactions:read", "reactions:write", "users:read",
]
STATE_TTL = timedelta(minutes=10)


class DbInstallationStore(InstallationStore):
    def __init__(self, engine: Engine):
        self.engine = engine
        self._cache: dict[str, tuple[float, Installation | None]] = {}
        self._lock = threading.Lock()

    @property
    def logger(self) -> Logger:
        return getLogger(__name__)

    def save(self, installation: SlackInstallation) -> None:
        with session_scope(self.engine) as session:
            row = session.get(Installation, installation.team_id) or Installation(team_id=installation.team_id,
                                                                                  bot_token="")
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
        self.forget(installation.team_id)

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
        if row is None:
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
            session.exec(delete(Installation).where(Installation.team_id == team_id))
        self.forget(team_id or "")


class DbStateStore(OAuthStateStore):
    def __init__(self, engine: Engine):
        self.engine = engine

    @property
    def logger(self) -> Logger:
        return getLogger(__name__)

    def issue(self, *args, **kwargs) -> str:
        state = secrets.token_urlsafe(24)
        with session_scope(self.engine) as session:
            session.exec(delete(OAuthState).where(OAuthState.expires_at < now()))
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


def on_installed(rt):
    """After a workspace installs Truce: its row, its teams, and a welcome DM to the installer."""

    def success(args: SuccessArgs) -> BoltResponse:
        installation = args.installation
        with rt.session() as session:
            ws = ensure_workspace(session=session, team_id=installation.team_id, settings=rt.settings)
            ws.name, ws.bot_user_id = installation.team_name, installation.bot_user_id
            session.add(ws)
            delivery.queue_post(session, team_id=ws.team_id, channel=installation.user_id, text=welcome_text(),
                                key=f"welcome:{installation.user_id}:{int(installation.installed_at)}")
        refresh_teams(rt, installation.team_id)
        return args.default.success(args)

    return success


def oauth_settings(rt) -> OAuthSettings:
    settings, store = rt.settings, rt.installations
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

    def __call__(self, *, context, enterprise_id: str | None, team_id: str | None, user_id: str | None,
                 **_: object) -> AuthorizeResult:
        row = self.store.row(team_id)
        if row is None:
            return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id)
        return AuthorizeResult(enterprise_id=row.enterprise_id, team_id=row.team_id, bot_token=row.bot_token,
                               bot_id=row.bot_id, bot_user_id=row.bot_user_id,
                               bot_scopes=[s for s in row.bot_scopes.split(",") if s])
