"""What the scorecard's inputs look like, shared by the parsers and the forms that explain them."""

from __future__ import annotations

FIELDS = ("budget_spent", "pipeline", "revenue")
FIELD_NAMES = {"budget_spent": "budget spent", "pipeline": "pipeline", "revenue": "revenue"}
SOURCES = ("command", "form", "csv", "webhook")
LINE_FORMAT = "goal | budget spent | pipeline | revenue | owner"
LINE_EXAMPLE = "Win 5 mid-market logos | 11500 | 180000 | 60000 | Sam Seller"
MAX_LINES = 200  # 40 plan lines, each for a few owners
FORM_MAX_CHARS = 3000  # Slack's limit for a plain_text_input
CSV_COLUMNS = ("goal", *FIELDS, "owner")
CSV_HEADER = ",".join(CSV_COLUMNS)
CSV_EXAMPLE = f"{CSV_HEADER}\nWin 5 mid-market logos,11500,180000,60000,Sam Seller\nSpring webinar series,4000,,,"
SHOWN_PROBLEMS = 5
