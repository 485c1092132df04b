"""The action_ids, callback_ids and block_ids of the competitors feature."""

from enum import StrEnum


class CompetitorIds(StrEnum):
    OPEN_BATTLECARD = "battlecard_open"  # a button on a share, the App Home and lists; value = competitor id
    BATTLECARD_VIEW = "battlecard"  # the battlecard as a modal (from App Home and share buttons)
    # what the receiving team did with a share: one button each, value = share id
    FEEDBACK_PREFIX = "intel_feedback:"  # intel_feedback:acted_on | used_in_deal | not_relevant
    FEEDBACK_NOTE = "intel_feedback_note"  # opens the note form; value = share id
    NOTE_VIEW = "intel_feedback_note_view"
    NOTE_BLOCK = "intel_feedback_note_text"
    VALUE = "value"
