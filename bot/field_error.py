"""The one shape of input error services raise: a message for the person, and the field it is about."""

from __future__ import annotations


class FieldError(ValueError):
    """Input that cannot be saved; `field` names the part (a modal input, a setting, a command part)
    it belongs to, so a handler can answer next to it; the message says what to type instead."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
