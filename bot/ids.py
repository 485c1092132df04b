"""Every action_id, callback_id and block_id Truce uses, in one place."""

from enum import StrEnum


class Command(StrEnum):
    TRUCE = "/truce"
    INTEL = "/intel"
    UNHAPPY = "/unhappy"
    JOINT = "/joint"


class SetupIds(StrEnum):
    CALLBACK = "truce_setup"
    SALES_BLOCK = "setup_sales"
    SALES = "sales_channel"
    MARKETING_BLOCK = "setup_marketing"
    MARKETING = "marketing_channel"
    JOINT_BLOCK = "setup_joint"
    JOINT = "joint_channel"
    ALERTS_BLOCK = "setup_alerts"
    ALERTS = "alerts_channel"
    TIMEZONE_BLOCK = "setup_timezone"
    TIMEZONE = "timezone"
    LEADS_BLOCK = "setup_leads"
    LEADS = "leads"


class HomeIds(StrEnum):
    REFRESH = "home_refresh"
