"""The CSV import of closed deals as people see it: the form, what was imported, what was wrong.
Pure builders."""

from __future__ import annotations

from slack_sdk.models.blocks import InputBlock, PlainTextInputElement
from slack_sdk.models.views import View

from bot.block_kit import clip, context, esc, section
from bot.deals.csv_format import EXAMPLE, MAX_CHARS, Imported
from bot.deals.ids import DealIds as Ids


def import_modal() -> View:
    return View(type="modal", callback_id=Ids.IMPORT_VIEW, title="Import closed deals", submit="Import",
                close="Cancel", blocks=[
                    section("Paste closed deals as CSV, one per line, with this header. Each deal's owner is "
                            "asked why it was won or lost; a deal id already in Truce is updated, not added twice."),
                    InputBlock(block_id=Ids.CSV_BLOCK, label="Deals (CSV)", element=PlainTextInputElement(
                        action_id=Ids.VALUE, multiline=True, max_length=MAX_CHARS, placeholder=EXAMPLE[:150])),
                    context(f"Example:\n```{esc(EXAMPLE)}```"),
                ])


def imported_text(done: Imported) -> str:
    parts = [f"{n} {what}" for n, what in ((done.created, "new"), (done.updated, "updated"),
                                           (done.unchanged, "unchanged")) if n]
    total = done.created + done.updated + done.unchanged
    return (f":inbox_tray: Imported {total} closed deal{'s' if total != 1 else ''} ({', '.join(parts)}). Each new "
            "deal's owner is asked why it was won or lost.")


def problems_text(message: str, problems: list[tuple[int | str, str]], shown: int = 5) -> str:
    lines = [f"• line {line}: {why}" for line, why in problems[:shown]]
    if len(problems) > shown:
        lines.append(f"• …and {len(problems) - shown} more.")
    return clip("\n".join([message, *lines]), 3000)
