"""The input workbook schema of docs/contract.md §1, as data.

One `SheetSchema` per sheet and one `SettingSpec` per Settings key. These tables drive the
reader (which columns exist, how to coerce them), the validator (required, ranges, allowed
values, keys), `planner template` (headers, notes, drop-downs) and the README's workbook
section. This module gathers them: the column and setting types are in `planner.contract.columns`,
the sheets in `planner.contract.sheets_supply`, `sheets_market` and `sheets_scenario`, the
Settings keys in `planner.contract.settings`. Adding a column is one `Column(...)` line there.
"""

from __future__ import annotations

from planner.contract.columns import CHANGEABLE_SHEETS as CHANGEABLE_SHEETS
from planner.contract.columns import CPSAT_REFUSAL as CPSAT_REFUSAL
from planner.contract.columns import DECISIONS as DECISIONS
from planner.contract.columns import FORCING_DECISIONS as FORCING_DECISIONS
from planner.contract.columns import MODES as MODES
from planner.contract.columns import MONEY_MAX as MONEY_MAX
from planner.contract.columns import NONNEG as NONNEG
from planner.contract.columns import OPS as OPS
from planner.contract.columns import ORIGINS as ORIGINS
from planner.contract.columns import POSITIVE as POSITIVE
from planner.contract.columns import POWERTRAINS as POWERTRAINS
from planner.contract.columns import SCENARIO_SHEETS as SCENARIO_SHEETS
from planner.contract.columns import SHARE as SHARE
from planner.contract.columns import SOLVERS as SOLVERS
from planner.contract.columns import UNIT_MONEY_MAX as UNIT_MONEY_MAX
from planner.contract.columns import UNITS_MAX as UNITS_MAX
from planner.contract.columns import YEAR as YEAR
from planner.contract.columns import Bound as Bound
from planner.contract.columns import Column as Column
from planner.contract.columns import Kind as Kind
from planner.contract.columns import SettingSpec as SettingSpec
from planner.contract.columns import SheetSchema as SheetSchema
from planner.contract.columns import fmt_number as fmt_number
from planner.contract.columns import limit_text as limit_text
from planner.contract.policy_kinds import PLAN_POLICY_KINDS as PLAN_POLICY_KINDS
from planner.contract.policy_kinds import POLICY_KINDS as POLICY_KINDS
from planner.contract.policy_kinds import SHARE_POLICY_KINDS as SHARE_POLICY_KINDS
from planner.contract.policy_kinds import WINDOW_TOTAL_KINDS as WINDOW_TOTAL_KINDS
from planner.contract.settings import SETTINGS as SETTINGS
from planner.contract.settings import SETTINGS_BY_KEY as SETTINGS_BY_KEY
from planner.contract.sheets_market import MARKET_SHEETS
from planner.contract.sheets_scenario import SCENARIO_SHEET_TABLES
from planner.contract.sheets_supply import SUPPLY_SHEETS

SHEETS: tuple[SheetSchema, ...] = (*SUPPLY_SHEETS, *MARKET_SHEETS, *SCENARIO_SHEET_TABLES)
SHEETS_BY_NAME = {s.name: s for s in SHEETS}
