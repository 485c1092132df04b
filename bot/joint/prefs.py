"""The joint meeting's preferences (bot/prefs.py): its schedule, and the fingerprint of the plan's export token."""

from __future__ import annotations

from pydantic import Field
from sqlmodel import Session

from bot.joint.schedule import Schedule
from bot.models import Workspace
from bot.prefs import FeaturePrefs, prefs_of, save_prefs


class JointPrefs(FeaturePrefs):
    feature = "joint"
    schedule: Schedule = Schedule()
    # sha256 of the export token (/joint plan token); the token itself is shown once and never kept.
    export_token_sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")


def schedule_of(ws: Workspace) -> Schedule:
    return prefs_of(ws, JointPrefs).schedule


def set_schedule(*, session: Session, ws: Workspace, schedule: Schedule) -> Schedule:
    return save_prefs(session=session, ws=ws, prefs=prefs_of(ws, JointPrefs).model_copy(
        update={"schedule": schedule})).schedule


def export_token_sha256(ws: Workspace) -> str | None:
    return prefs_of(ws, JointPrefs).export_token_sha256


def set_export_token_sha256(*, session: Session, ws: Workspace, digest: str) -> None:
    save_prefs(session=session, ws=ws, prefs=prefs_of(ws, JointPrefs).model_copy(
        update={"export_token_sha256": digest}))
