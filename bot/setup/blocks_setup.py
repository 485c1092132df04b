"""The /truce setup modal and its confirmation."""

from __future__ import annotations

from zoneinfo import available_timezones

from slack_sdk.models.blocks import (
    ConversationFilter,
    ConversationSelectElement,
    InputBlock,
    Option,
    StaticSelectElement,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from bot.block_kit import channel, section, user
from bot.ids import SetupIds
from bot.models import Workspace

# Slack caps a static select at 100 options: offer the common zones, and the current one.
COMMON_ZONES = [
    "UTC", "America/Los_Angeles", "America/Denver", "America/Chicago", "America/New_York", "America/Sao_Paulo",
    "Europe/London", "Europe/Dublin", "Europe/Paris", "Europe/Berlin", "Europe/Madrid", "Europe/Amsterdam",
    "Europe/Stockholm", "Europe/Warsaw", "Europe/Athens", "Europe/Istanbul", "Africa/Johannesburg",
    "Africa/Lagos", "Africa/Nairobi", "Asia/Dubai", "Asia/Kolkata", "Asia/Singapore", "Asia/Shanghai",
    "Asia/Hong_Kong", "Asia/Tokyo", "Asia/Seoul", "Australia/Sydney", "Australia/Perth", "Pacific/Auckland",
    "America/Toronto", "America/Mexico_City", "America/Bogota", "America/Anchorage", "Pacific/Honolulu",
]


def _zone_options(current: str) -> list[Option]:
    zones = list(COMMON_ZONES)
    if current not in zones and current in available_timezones():
        zones.insert(0, current)
    return [Option(text=z.replace("_", " "), value=z) for z in zones[:100]]


def _channel_input(block_id: str, action_id: str, label: str, hint: str, initial: str | None) -> InputBlock:
    element = ConversationSelectElement(
        action_id=action_id,
        placeholder="Choose a channel",
        initial_conversation=initial,
        filter=ConversationFilter(include=["public", "private"], exclude_bot_users=True),
    )
    return InputBlock(block_id=block_id, label=label, hint=hint, element=element)


def setup_modal(ws: Workspace) -> View:
    zones = _zone_options(ws.timezone)
    initial_zone = next((o for o in zones if o.value == ws.timezone), zones[0])
    blocks = [
        section("Truce posts between your teams. Pick the channels it uses; membership of the sales "
                "and marketing channels decides who is on which team."),
        _channel_input(SetupIds.SALES_BLOCK, SetupIds.SALES, "Sales channel",
                       "Its members are the sales team.", ws.sales_channel),
        _channel_input(SetupIds.MARKETING_BLOCK, SetupIds.MARKETING, "Marketing channel",
                       "Its members are the marketing team.", ws.marketing_channel),
        _channel_input(SetupIds.JOINT_BLOCK, SetupIds.JOINT, "Joint channel",
                       "Where both teams meet: intel copies, meeting prompts, escalations.", ws.joint_channel),
        _channel_input(SetupIds.ALERTS_BLOCK, SetupIds.ALERTS, "Customer alerts channel",
                       "Where customer-unhappiness alerts are posted.", ws.alerts_channel),
        InputBlock(block_id=SetupIds.TIMEZONE_BLOCK, label="Timezone",
                   element=StaticSelectElement(action_id=SetupIds.TIMEZONE, options=zones,
                                               initial_option=initial_zone)),
        InputBlock(block_id=SetupIds.LEADS_BLOCK, label="Team leads", optional=True,
                   hint="Leads may change this setup, assign owners and receive escalations.",
                   element=UserMultiSelectElement(action_id=SetupIds.LEADS, placeholder="Choose people",
                                                  initial_users=list(ws.lead_user_ids or []) or None)),
    ]
    return View(type="modal", callback_id=SetupIds.CALLBACK, title="Truce setup", submit="Save",
                close="Cancel", blocks=blocks)


def setup_saved_text(ws: Workspace) -> str:
    leads = ", ".join(user(u) for u in ws.lead_user_ids) or "_none_"
    return (
        ":white_check_mark: Truce is set up.\n"
        f"• Sales: {channel(ws.sales_channel)}\n• Marketing: {channel(ws.marketing_channel)}\n"
        f"• Joint: {channel(ws.joint_channel)}\n• Alerts: {channel(ws.alerts_channel)}\n"
        f"• Timezone: {ws.timezone}\n• Leads: {leads}\n"
        "Invite Truce to each of these channels (`/invite @Truce`) so it can post there."
    )
