"""OAuth installations (one per workspace that installed Truce) and pending OAuth states."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from bot.models.base import utc_field


class Installation(SQLModel, table=True):
    """The bot token a workspace granted Truce when it was installed through OAuth."""

    team_id: str = Field(primary_key=True, max_length=32)
    team_name: str | None = Field(default=None, max_length=255)
    enterprise_id: str | None = Field(default=None, max_length=32)
    app_id: str | None = Field(default=None, max_length=32)
    bot_token: str = Field(max_length=255)
    bot_id: str | None = Field(default=None, max_length=32)
    bot_user_id: str | None = Field(default=None, max_length=32)
    bot_scopes: str = Field(default="", max_length=2000)
    installer_user_id: str = Field(max_length=32)
    installed_at: datetime = utc_field(default_now=True)


class OAuthState(SQLModel, table=True):
    """A one-time `state` handed to Slack's authorize page, so the redirect can be trusted."""

    __tablename__ = "oauth_state"

    state: str = Field(primary_key=True, max_length=64)
    expires_at: datetime = utc_field()
