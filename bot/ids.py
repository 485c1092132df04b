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


class IntelIds(StrEnum):
    SHORTCUT = "share_intel"
    MODAL = "intel_share_modal"
    SUMMARY_BLOCK = "intel_summary"
    SUMMARY = "summary"
    LINK_BLOCK = "intel_link"
    LINK = "link"
    KIND_BLOCK = "intel_kind"
    KIND = "kind"
    COMPETITOR_BLOCK = "intel_competitor"
    COMPETITOR = "competitor"
    WHY_BLOCK = "intel_why"
    WHY = "why"
    USEFUL = "intel_useful"
    DISCUSS = "intel_discuss"
    MENU = "intel_menu"
    RETRACT_CONFIRM = "intel_retract_confirm"
    SEARCH_MORE = "intel_search_more"
    SEARCH_BACK = "intel_search_back"
