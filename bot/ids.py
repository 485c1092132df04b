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
class JointIds(StrEnum):
    ATTEND = "joint_attend"
    DECLINE = "joint_decline"
    PROPOSE = "joint_propose"
    ADD_ITEM = "joint_add_item"
    VOTE = "joint_vote"
    MOVE = "joint_move"
    RECORD = "joint_record"
    CLOSE_ITEM = "joint_close_item"
    # modals
    PROPOSE_VIEW = "joint_propose_view"
    DATE_BLOCK = "joint_date"
    DATE = "date"
    TIME_BLOCK = "joint_time"
    TIME = "time"
    ITEM_VIEW = "joint_item_view"
    ITEM_BLOCK = "joint_item"
    ITEM = "item"
    SCHEDULE_VIEW = "joint_schedule_view"
    WEEK_BLOCK = "joint_week"
    WEEK = "week"
    WEEKDAY_BLOCK = "joint_weekday"
    WEEKDAY = "weekday"
    LEAD_BLOCK = "joint_lead"
    LEAD = "lead"
    OUTCOMES_VIEW = "joint_outcomes_view"
    MINUTES_BLOCK = "joint_minutes"
    MINUTES = "minutes"
    ADD_ROW = "joint_add_row"
    ROW_TEXT = "text"  # block ids: joint_row_<n>_text / _owner / _due
    ROW_OWNER = "owner"
    ROW_DUE = "due"
    PLAN_VIEW = "joint_plan_view"
    LINES_BLOCK = "joint_plan_lines"
    LINES = "lines"
    CURRENCY_BLOCK = "joint_plan_currency"
    CURRENCY = "currency"
    OWNERS_BLOCK = "joint_plan_owners"
    OWNERS = "owners"


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


class PlaybookIds(StrEnum):
    # the strategy modal (publish / edit)
    STRATEGY_VIEW = "strategy_edit"
    TITLE_BLOCK = "strategy_title"
    SUMMARY_BLOCK = "strategy_summary"
    SEGMENT_BLOCK = "strategy_segment"
    MESSAGES_BLOCK = "strategy_messages"
    LINK_BLOCK = "strategy_link"
    STATUS_BLOCK = "strategy_status"
    REVIEW_BLOCK = "strategy_review"
    VALUE = "value"
    # App Home: the strategies section
    HOME_SEARCH = "strategy_home_search"
    HOME_PUBLISH = "strategy_home_publish"
    HOME_MORE = "strategy_home_more"  # overflow on each strategy: edit:<id> | retire:<id>
    # the search modal
    SEARCH_VIEW = "strategy_search"
    QUERY_BLOCK = "strategy_query"
    # the win/loss modal
    WINLOSS_VIEW = "winloss_entry"
    OUTCOME_BLOCK = "winloss_outcome"
    CUSTOMER_BLOCK = "winloss_customer"
    INTEL_BLOCK = "winloss_intel"  # the intel that helped (bot/competitors citations)
    AMOUNT_BLOCK = "winloss_amount"
    CURRENCY_BLOCK = "winloss_currency"
    REASON_BLOCK = "winloss_reason"
    NOTES_BLOCK = "winloss_notes"
    COMPETITOR_BLOCK = "winloss_competitor"
    CLOSED_BLOCK = "winloss_closed"
    WINLOSS_EDIT = "winloss_edit"  # the button on the confirmation


class CsatImportIds(StrEnum):
    MODAL = "csat_import_modal"
    CSV_BLOCK = "csat_import_csv"
    CSV = "csv"


# The features' HTTP routes and durable task kinds (bot/tasks.py), here so that bot/features.py declares them
# without importing the modules that serve them.
CSAT_WEBHOOK_PATH = "/webhooks/csat"
DEAL_WEBHOOK_PATH = "/webhooks/deal"
ACTUALS_WEBHOOK_PATH = "/webhooks/actuals"
PLAN_EXPORT_PATH = "/export/plan.csv"
SHARE_REACTED_TASK = "intel.share_reacted"
FIND_OWNER_TASK = "deals.find_owner"
CHART_TASK = "scorecard.chart"  # renders and uploads one chart
