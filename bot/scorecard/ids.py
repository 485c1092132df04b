"""The scorecard's Block Kit ids: callback_id, block_id and action_id in one place."""

from __future__ import annotations

from enum import StrEnum


class ScorecardIds(StrEnum):
    ACTUALS_VIEW = "scorecard_actuals_view"
    ACTUALS_BLOCK = "scorecard_actuals_lines"
    ACTUALS = "lines"
    IMPORT_VIEW = "scorecard_actuals_import_view"
    CSV_BLOCK = "scorecard_actuals_csv"
    CSV = "csv"
    OPEN_ACTUALS = "scorecard_open_actuals"
