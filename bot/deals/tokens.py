"""The secret a workspace's CRM sends to `POST /webhooks/deal` (as `Authorization: Bearer ...`), made by
`/truce deals token` (bot/webhook_secret.py)."""

from __future__ import annotations

from bot.deals.models import DealToken
from bot.webhook_secret import WebhookSecret

PREFIX = "tdl_"
SECRET = WebhookSecret(DealToken, prefix=PREFIX)
token_info, issue_token, team_for_token = SECRET.info, SECRET.issue, SECRET.team_for
