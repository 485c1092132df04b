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
