"""The one input error: what a person typed or chose cannot be used, and what to do instead.

Services raise `UserError(message, field=None)`; listeners catch it in one place and answer next to
`field` in a form, or with an ephemeral note that echoes what was typed for a command. `message` is
written for the person; a part of what they typed goes in it through `bot.slack_text.quoted` (escaped), and
the whole of it is shown with `bot.slack_text.echo`/`echo_command`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class UserError(ValueError):
    """Input that cannot be saved. `field` names the part it is about (a form input, a setting, a part of a
    command), so the answer can go next to it. Two optional details: `code`, a short machine-readable reason
    (the CSAT webhook's JSON answer), and `problems`, (line, why) pairs for a paste some of whose rows fail
    (the line by number, or named: "Line 3", "lines[2]")."""

    def __init__(self, message: str, field: str | None = None, *, code: str | None = None,
                 problems: Sequence[tuple[int | str, str]] = ()):
        super().__init__(message)
        self.field = field
        self.code = code
        self.problems = list(problems)

    def block_in(self, blocks: Mapping[str, str]) -> str:
        """The form block to show the message under: the one for `field`, else the form's first one (a
        service may refuse something that is no single field's fault)."""
        if self.field is not None and self.field in blocks:
            return blocks[self.field]
        return next(iter(blocks.values()))
