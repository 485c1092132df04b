"""Every table: importing this module registers each model, shared and per feature, on SQLModel.metadata
(for Alembic, and for the tests that compare or empty the schema)."""

from bot.intel import models as intel
from bot.models import core, install

MODULES = (core, install, intel)
