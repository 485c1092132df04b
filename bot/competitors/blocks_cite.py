"""The "Intel that helped" select of a win/loss form: recent shares (about the competitor, when known),
the ones already cited chosen. Pure."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import InputBlock, Option, StaticMultiSelectElement

from bot.block_kit import clip
from bot.intel.models import IntelShare

OPTION_TEXT = 75  # Slack's limit for an option's text
MAX_OPTIONS = 100
MAX_CITED = 10


def share_option(share: IntelShare) -> Option:
    label = " ".join(share.summary.split())
    when = share.created_at.strftime("%b %d") if share.created_at else ""
    return Option(text=clip(f"{when} · {label}" if when else label, OPTION_TEXT), value=str(share.id))


def intel_input(*, block_id: str, action_id: str, shares: Sequence[IntelShare], cited: Sequence[int] = (),
                hint: str) -> InputBlock | None:
    """None when there is no intel to cite (Slack refuses a select without options)."""
    options = [share_option(s) for s in shares[:MAX_OPTIONS]]
    if not options:
        return None
    chosen = [o for o in options if o.value is not None and int(o.value) in set(cited)]
    return InputBlock(block_id=block_id, label="Intel that helped", optional=True, hint=hint,
                      element=StaticMultiSelectElement(action_id=action_id, options=options, placeholder="Choose intel",
                                                       initial_options=chosen or None, max_selected_items=MAX_CITED))
