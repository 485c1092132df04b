"""The buttons under a share in the receiving team's channel: what they did with it. Pure (the share's
own builder, bot/intel/blocks_share.py, adds them to the receiving team's copy)."""

from __future__ import annotations

from collections import Counter

from slack_sdk.models.blocks import ActionsBlock, ButtonElement

from bot.competitors.feedback_rules import VERDICTS
from bot.competitors.ids import CompetitorIds as Ids


def feedback_actions(share_id: int | None, counts: Counter | None = None) -> ActionsBlock:
    """Acted on · Used in a deal · Not relevant · Add a note, with how many gave each answer."""
    counts = counts or Counter()
    buttons = [ButtonElement(text=f"{label} ({counts[key]})" if counts[key] else label,
                             action_id=f"{Ids.FEEDBACK_PREFIX}{key}", value=str(share_id))
               for key, label in VERDICTS.items()]
    buttons.append(ButtonElement(text="Add a note", action_id=Ids.FEEDBACK_NOTE, value=str(share_id)))
    return ActionsBlock(block_id=f"intel_feedback_{share_id}", elements=buttons)
