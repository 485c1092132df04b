"""An error the emulated Web API answers with (`ok: false`, `error`, and any extra fields)."""

from __future__ import annotations

from typing import Any


class SlackError(Exception):
    def __init__(self, error: str, **extra: Any):
        super().__init__(error)
        self.error, self.extra = error, extra
