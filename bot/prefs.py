"""Per-feature typed preferences: each feature declares a pydantic model of its settings (with defaults and
validation) and reads and writes them only through `prefs_of` and `save_prefs`.

Storage: one `workspace_prefs` row per (team, feature) holding a JSON object that the feature's model validates,
rather than a table per feature. A setting is small, read whole and written whole, and features add settings
often: with one row per feature a new setting is a field with a default on the model (old rows still validate,
no migration), while a table per feature would need a migration for every new field and one more table for
every feature. The row's key is the feature's name (`intel`, `joint`, `unhappy`, `playbook`) and its fields are
the model's, so every setting is named one way. The rows are loaded with the workspace (Workspace.pref_rows),
so a listener's detached `ws` can be read without a session. A row that no longer validates (edited by hand)
reads as the defaults, with a warning in the log, rather than breaking the feature.
"""

from __future__ import annotations

import logging
from typing import ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session

from bot.clock import now
from bot.models import Workspace, WorkspacePrefs

log = logging.getLogger(__name__)


class FeaturePrefs(BaseModel):
    """A feature's preferences. Subclasses name their `feature` and give every field a default."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    feature: ClassVar[str]


P = TypeVar("P", bound=FeaturePrefs)


def prefs_of(ws: Workspace, model: type[P]) -> P:
    """The workspace's preferences for `model`'s feature (its defaults when none are stored)."""
    row = next((r for r in ws.pref_rows or [] if r.feature == model.feature), None)
    if row is None:
        return model()
    try:
        return model.model_validate(row.data or {})
    except ValidationError as exc:
        log.warning("stored %s preferences of %s do not validate, using the defaults: %s", model.feature,
                    ws.team_id, exc)
        return model()


def save_prefs(*, session: Session, ws: Workspace, prefs: P) -> P:
    """Store a feature's preferences (whole) in `session`; the caller's `ws` (attached or not) shows them too."""
    prefs = type(prefs).model_validate(prefs.model_dump())
    data = prefs.model_dump(mode="json")
    row = session.get(WorkspacePrefs, (ws.team_id, prefs.feature))
    if row is None:
        row = WorkspacePrefs(team_id=ws.team_id, feature=prefs.feature, data=data)
    else:
        row.data = data
    row.updated_at = now()
    session.add(row)
    shown = WorkspacePrefs(team_id=ws.team_id, feature=prefs.feature, data=data, updated_at=row.updated_at)
    others = [r for r in ws.pref_rows or [] if r.feature != prefs.feature]
    set_committed_value(ws, "pref_rows", [*others, row if _in(session, ws) else shown])
    return prefs


def _in(session: Session, ws: Workspace) -> bool:
    return ws in session
