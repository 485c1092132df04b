"""The joint meeting and plan: the Bolt listeners, each imported with its module on the first request it answers
(bot/lazy.py): the app registers them at start-up without importing the handlers."""

from __future__ import annotations

from slack_bolt import App

from bot.ids import Command, JointIds
from bot.lazy import listener


def register(app: App) -> None:
    # handlers/joint/command.py
    app.command(Command.JOINT)(listener("handlers.joint.command", "joint_command"))
    # handlers/joint/meeting.py
    app.action(JointIds.ATTEND)(listener("handlers.joint.meeting", "attend_clicked"))
    app.action(JointIds.DECLINE)(listener("handlers.joint.meeting", "decline_clicked"))
    app.action(JointIds.PROPOSE)(listener("handlers.joint.meeting", "propose_clicked"))
    app.action(JointIds.ADD_ITEM)(listener("handlers.joint.meeting", "add_item_clicked"))
    app.action(JointIds.VOTE)(listener("handlers.joint.meeting", "vote_clicked"))
    app.action(JointIds.MOVE)(listener("handlers.joint.meeting", "move_clicked"))
    app.action(JointIds.RECORD)(listener("handlers.joint.meeting", "record_clicked"))
    app.action(JointIds.CLOSE_ITEM)(listener("handlers.joint.meeting", "close_clicked"))
    app.action(JointIds.ADD_ROW)(listener("handlers.joint.meeting", "add_row_clicked"))
    app.view(JointIds.PROPOSE_VIEW)(listener("handlers.joint.meeting", "propose_submitted"))
    app.view(JointIds.ITEM_VIEW)(listener("handlers.joint.meeting", "item_submitted"))
    app.view(JointIds.SCHEDULE_VIEW)(listener("handlers.joint.meeting", "schedule_submitted"))
    app.view(JointIds.OUTCOMES_VIEW)(listener("handlers.joint.meeting", "outcomes_submitted"))
    # handlers/joint/plan.py
    app.view(JointIds.PLAN_VIEW)(listener("handlers.joint.plan", "plan_submitted"))
