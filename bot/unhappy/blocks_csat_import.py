"""The CSV import of satisfaction scores: the paste form, its error text and the confirmation."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import InputBlock, PlainTextInputElement
from slack_sdk.models.views import View

from bot.block_kit import clip, esc, section
from bot.ids import CsatImportIds
from bot.unhappy.csat_rules import EXAMPLE, HEADER, LOW, MAX_CHARS, MAX_ROWS, SHOWN_PROBLEMS, Paste
from bot.user_error import UserError

ERROR_LIMIT = 1000


def import_modal(*, default_scale: int) -> View:
    help_text = (f"Paste CSV with a header line. `customer` and `score` are required; `scale` is 10 (0-10) or "
                 f"5 (1-5), {default_scale} when left empty (this workspace's default); `comment` and `source` "
                 f"are optional (source is `csv` when empty). Commas or semicolons both work. "
                 f"Nothing is stored unless every row is right.\nFor example:\n```{EXAMPLE}```")
    return View(type="modal", callback_id=CsatImportIds.MODAL, title="Import scores", submit="Import",
                close="Cancel", blocks=[
                    section(help_text),
                    InputBlock(block_id=CsatImportIds.CSV_BLOCK, label="Scores (CSV)",
                               hint=f"Up to {MAX_ROWS} rows and {MAX_CHARS:,} characters (Slack's limit for this "
                                    "box); import bigger files in parts.",
                               element=PlainTextInputElement(action_id=CsatImportIds.CSV, multiline=True,
                                                             max_length=MAX_CHARS, placeholder=HEADER)),
                ])


def error_text(exc: UserError) -> str:
    lines = [str(exc)]
    lines += [f"Line {line}: {why}" for line, why in exc.problems[:SHOWN_PROBLEMS]]
    if len(exc.problems) > SHOWN_PROBLEMS:
        lines.append(f"…and {len(exc.problems) - SHOWN_PROBLEMS} more.")
    return clip("\n".join(lines), ERROR_LIMIT)


def duplicate_text(when: datetime | None) -> str:
    """`when`: the earlier import's time, if it is still found."""
    at = f" ({when:%Y-%m-%d %H:%M} UTC)" if when is not None else ""
    return (f"These exact scores were already imported{at}, so nothing was stored again. "
            "Close the form, or change the rows if they are new scores.")


def imported_text(paste: Paste) -> str:
    count, customers = len(paste.rows), paste.customers
    low = sorted({r.customer for r in paste.rows if r.score <= LOW[r.scale]}, key=str.lower)
    text = (f":bar_chart: Imported {count} score{'s' if count != 1 else ''} for {customers} "
            f"customer{'s' if customers != 1 else ''}. They go into the weekly digest for sales.")
    if low:
        names = ", ".join(f"*{esc(n)}*" for n in low[:10]) + (f" and {len(low) - 10} more" if len(low) > 10 else "")
        text += f"\n:warning: Low scores for {names}: if something went wrong, report it with `/unhappy`."
    return clip(text)
