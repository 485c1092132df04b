"""Every table: importing this module registers each model, shared and per feature, on SQLModel.metadata
(for Alembic, and for the tests that compare or empty the schema)."""

from bot.competitors import models as competitors
from bot.deals import models as deals
from bot.intel import models as intel
from bot.joint import models as joint
from bot.models import accepted, core, install, schedule
from bot.playbook import models as playbook
from bot.scorecard import models as scorecard
from bot.unhappy import csat_models
from bot.unhappy import models as unhappy

MODULES = (accepted, core, install, schedule, intel, unhappy, csat_models, joint, playbook, competitors, deals,
           scorecard)
