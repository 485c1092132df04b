"""The action_ids, callback_ids and block_ids of the deals feature."""

from enum import StrEnum


class DealIds(StrEnum):
    # the DM asking why a deal was won or lost: one button per reason ("deal_reason:price"), value = deal id
    REASON_PREFIX = "deal_reason:"
    DETAILS = "deal_details"  # opens the form with notes and the intel that helped
    # the form
    CONFIRM_VIEW = "deal_confirm"
    REASON_BLOCK = "deal_confirm_reason"
    NOTES_BLOCK = "deal_confirm_notes"
    INTEL_BLOCK = "deal_confirm_intel"
    VALUE = "value"
    # the CSV import
    IMPORT_VIEW = "deal_import"
    CSV_BLOCK = "deal_import_csv"
