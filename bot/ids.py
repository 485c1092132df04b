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


class UnhappyIds(StrEnum):
    # the report modal (from /unhappy alone, or the message shortcut)
    SHORTCUT = "report_unhappy"
    REPORT = "unhappy_report"
    CUSTOMER_BLOCK = "unhappy_customer"
    CUSTOMER = "customer"
    SEVERITY_BLOCK = "unhappy_severity"
    SEVERITY = "severity"
    WHAT_BLOCK = "unhappy_what"
    WHAT = "what"
    LINK_BLOCK = "unhappy_link"
    LINK = "link"
    CONTACT_BLOCK = "unhappy_contact"
    CONTACT = "contact"
    # the alert's buttons and overflow menu
    ACTIONS_BLOCK = "unhappy_alert_actions"
    CLAIM_SALES = "unhappy_claim_sales"
    CLAIM_MARKETING = "unhappy_claim_marketing"
    ADD_ACTION = "unhappy_add_action"
    RESOLVE = "unhappy_resolve"
    MORE = "unhappy_more"
    MORE_ASSIGN = "assign"
    MORE_SNOOZE = "snooze"
    MORE_REOPEN = "reopen"
    MORE_NOT_AN_ISSUE = "not_an_issue"
    # the corrective-action modal
    ACTION = "unhappy_action"
    DONE_BLOCK = "unhappy_done"
    DONE = "done"
    CAUSE_BLOCK = "unhappy_cause"
    CAUSE = "cause"
    FOLLOW_UP_BLOCK = "unhappy_follow_up"
    FOLLOW_UP = "follow_up"
    # the assign-owners modal (leads)
    ASSIGN = "unhappy_assign"
    ASSIGN_SALES_BLOCK = "unhappy_assign_sales"
    ASSIGN_SALES = "sales_owner"
    ASSIGN_MARKETING_BLOCK = "unhappy_assign_marketing"
    ASSIGN_MARKETING = "marketing_owner"
    # the snooze modal
    SNOOZE = "unhappy_snooze"
    SNOOZE_BLOCK = "unhappy_snooze_for"
    SNOOZE_FOR = "snooze_for"
    # the settings modal (leads and admins)
    SETTINGS = "unhappy_settings"
    EMOJI_CLAIM_BLOCK = "unhappy_emoji_claim"
    EMOJI_ACK_BLOCK = "unhappy_emoji_ack"
    EMOJI_RESOLVE_BLOCK = "unhappy_emoji_resolve"
    SLA_CRITICAL_BLOCK = "unhappy_sla_critical"
    SLA_HIGH_BLOCK = "unhappy_sla_high"
    SLA_MEDIUM_BLOCK = "unhappy_sla_medium"
    SLA_LOW_BLOCK = "unhappy_sla_low"
    HOURS_BLOCK = "unhappy_hours"
    DAYS_BLOCK = "unhappy_days"
    SCALE_BLOCK = "unhappy_csat_scale"
    VALUE = "value"
    # the ephemeral "which team?" question for someone on both teams who reacted to claim
    PICK_SALES = "unhappy_pick_sales"
    PICK_MARKETING = "unhappy_pick_marketing"
