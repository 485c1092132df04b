"""Every setting Truce reads, in one place (environment variables or an optional `.env`)."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")


class Mode(StrEnum):
    SOCKET = "socket"
    HTTP = "http"
    SANDBOX = "sandbox"


class SettingsError(SystemExit):
    """Raised at start-up when a setting is missing or malformed: one clear line."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    slack_bot_token: str | None = Field(default=None, alias="SLACK_BOT_TOKEN")
    slack_signing_secret: str | None = Field(default=None, alias="SLACK_SIGNING_SECRET")
    slack_app_token: str | None = Field(default=None, alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field(default="https://slack.com/api/", alias="SLACK_API_URL")
    # Distributed app: installed into many workspaces through OAuth (then no SLACK_BOT_TOKEN).
    slack_client_id: str | None = Field(default=None, alias="SLACK_CLIENT_ID")
    slack_client_secret: str | None = Field(default=None, alias="SLACK_CLIENT_SECRET")
    slack_authorize_url: str = Field(default="https://slack.com/oauth/v2/authorize", alias="SLACK_AUTHORIZE_URL")

    database_url: str = Field(default="sqlite:///truce.db", alias="DATABASE_URL")
    # The sandbox never uses DATABASE_URL: a fresh SQLite database of its own, unless this names one.
    sandbox_database_url: str | None = Field(default=None, alias="TRUCE_SANDBOX_DATABASE_URL")
    port: int = Field(default=3000, alias="PORT", ge=1, le=65535)
    web_threads: int = Field(default=8, alias="TRUCE_WEB_THREADS", ge=1, le=64)  # the HTTP server's request threads
    # Seconds a client's connection may stay silent, and a request may take to arrive whole (bot/server.py).
    client_timeout: int = Field(default=15, alias="TRUCE_CLIENT_TIMEOUT", ge=1, le=600)
    log_level: str = Field(default="INFO", alias="LOG_LEVEL")

    sales_channel: str | None = Field(default=None, alias="TRUCE_SALES_CHANNEL")
    marketing_channel: str | None = Field(default=None, alias="TRUCE_MARKETING_CHANNEL")
    joint_channel: str | None = Field(default=None, alias="TRUCE_JOINT_CHANNEL")
    alerts_channel: str | None = Field(default=None, alias="TRUCE_ALERTS_CHANNEL")
    timezone: str = Field(default="UTC", alias="TRUCE_TIMEZONE")
    leads: str = Field(default="", alias="TRUCE_LEADS")  # comma-separated user IDs

    run_scheduler: bool = Field(default=True, alias="TRUCE_RUN_SCHEDULER")
    # `python -m bot serve` runs the work after its answers in a worker process of its own (bot/worker.py):
    # unset, on PostgreSQL and not on SQLite.
    worker_process: bool | None = Field(default=None, alias="TRUCE_WORKER_PROCESS")
    allow_private_fetch: bool = Field(default=False, alias="TRUCE_ALLOW_PRIVATE_FETCH")
    export_token: str | None = Field(default=None, alias="TRUCE_EXPORT_TOKEN")

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value if value.endswith("/") else value + "/"

    @field_validator("database_url", "sandbox_database_url")
    @classmethod
    def _database_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            url = make_url(value)
        except (ArgumentError, ValueError):  # not a URL, or a port that is not a number
            url = None
        if url is None or url.get_backend_name() not in ("sqlite", "postgresql", "postgres"):
            raise ValueError("must be sqlite:///path/to/truce.db or postgresql://user:password@host:5432/db")
        return value

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        value = value.upper()
        if value not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return value

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("must be an IANA timezone such as Europe/Paris") from exc
        return value

    @field_validator("sales_channel", "marketing_channel", "joint_channel", "alerts_channel")
    @classmethod
    def _channel(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not CHANNEL_ID.match(value):
            raise ValueError("must be a channel ID such as C0123ABCD (not a #name)")
        return value

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token(cls, value: str | None) -> str | None:
        if value and not value.startswith("xoxb-"):
            raise ValueError("must be a bot token starting with xoxb-")
        return value or None

    @field_validator("slack_app_token")
    @classmethod
    def _app_token(cls, value: str | None) -> str | None:
        if value and not value.startswith("xapp-"):
            raise ValueError("must be an app-level token starting with xapp-")
        return value or None

    @property
    def lead_ids(self) -> list[str]:
        return [u.strip() for u in self.leads.split(",") if u.strip()]

    @property
    def oauth(self) -> bool:
        """Installed into many workspaces through OAuth, each with its own bot token."""
        return bool(self.slack_client_id and self.slack_client_secret)

    @property
    def mode(self) -> Mode:
        if self.slack_app_token:
            return Mode.SOCKET
        if self.slack_signing_secret and (self.slack_bot_token or self.oauth):
            return Mode.HTTP
        return Mode.SANDBOX

    def require(self, *names: str) -> None:
        """Stop with one line naming the first missing variable among `names` (field names)."""
        for name in names:
            if not getattr(self, name):
                alias = type(self).model_fields[name].alias
                raise SettingsError(f"Truce cannot start: {alias} is not set.")


def load_settings(**overrides: Any) -> Settings:
    """Read the settings; a malformed value stops start-up with one line naming the variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = str(err["loc"][0]) if err["loc"] else "?"
        alias = Settings.model_fields[field].alias if field in Settings.model_fields else field
        msg = err["msg"].removeprefix("Value error, ")
        raise SettingsError(f"Truce cannot start: {alias} {msg}.") from None
