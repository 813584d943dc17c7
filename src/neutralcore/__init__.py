"""neutralcore: carbon accounting on the way to carbon neutrality.

The library follows the four steps of carbon neutrality:

1. **Measure** — :class:`Activity`, :class:`Inventory`, :class:`Factor`,
   :class:`FactorSet`, :class:`Emissions` (modules ``activity``, ``inventory``,
   ``factor``, ``kernel``, ``emissions``, ``units``, ``gwp``).
2. **Reduce** — levers, scenarios, MAC curves and targets.
3. **Offset** — credits and the ledger that retires each serial once.
4. **Claim** — the neutrality balance, its checks and the report.

Factor packs and levers are plugins found through entry points
(``neutralcore.factors``, ``neutralcore.levers``).  Importing this package
scans nothing and builds nothing.
"""

from importlib.metadata import PackageNotFoundError as _PNF
from importlib.metadata import version as _version

from .activity import Activity
from .emissions import Emissions, Matches, Uncertainty
from .errors import (
    AlreadyRetiredError,
    ClaimError,
    DimensionError,
    InvalidRetirementError,
    UnknownProgrammeError,
    DuplicateSerialError,
    FactorNotFoundError,
    FallbackError,
    FallbackWarning,
    InputError,
    InvalidQuantityError,
    LedgerCorruptError,
    LedgerError,
    LeverError,
    NeutralcoreError,
    NeutralcoreWarning,
    NotFoundError,
    PackFormatError,
    PluginConflictError,
    PluginError,
    PluginImportError,
    PluginNotFoundError,
    PluginValidationError,
    PluginWarning,
    ScenarioError,
    SchemaError,
    SerialFormatError,
    UnitError,
    UnknownCreditError,
    UnknownGasError,
    UnknownGWPSetError,
    UnknownUnitError,
)
from .claim import (
    Balance,
    CheckStatus,
    ClaimCheck,
    ClaimPolicy,
    ClaimResult,
    ReductionEvidence,
    SubjectType,
    check_claim,
)
from .factor import Factor, FactorSet, FuelProperty, Source
from .gwp import DEFAULT_GWP, GWP_SETS
from .inventory import Inventory
from .ledger import OffsetLedger, Retirement
from .offsets import (
    CorrespondingAdjustment,
    CreditKind,
    GoldStandardSerial,
    Offset,
    Period,
    Programme,
    RemovalType,
    VerraSerial,
    parse_serial,
)
from .packs import FactorPack
from .registry import PluginSpec, list_packs, load_factors
from .levers import Costs, Lever, LeverSet, Outcome, Price
from .mac import MacCurve, mac_curve
from .errors import MissingDependencyError
from .scenario import Gap, Scenario, Target, Trajectory
from .scope2 import ContractualInstrument, Scope2Result, SupplierRate

try:
    __version__ = _version("neutralcore")
except _PNF:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = [
    # measure
    "Activity",
    "Inventory",
    "Factor",
    "FactorSet",
    "FuelProperty",
    "Source",
    "Emissions",
    "Matches",
    "Uncertainty",
    "DEFAULT_GWP",
    "GWP_SETS",
    # factor packs and plugins
    "FactorPack",
    "PluginSpec",
    "list_packs",
    "load_factors",
    # reduce
    "Lever",
    "LeverSet",
    "Costs",
    "Price",
    "Outcome",
    "Scenario",
    "Trajectory",
    "Target",
    "Gap",
    "mac_curve",
    "MacCurve",
    "ContractualInstrument",
    "SupplierRate",
    "Scope2Result",
    # offset
    "Offset",
    "Programme",
    "CreditKind",
    "RemovalType",
    "CorrespondingAdjustment",
    "Period",
    "VerraSerial",
    "GoldStandardSerial",
    "parse_serial",
    "OffsetLedger",
    "Retirement",
    # claim
    "Balance",
    "check_claim",
    "ClaimCheck",
    "ClaimResult",
    "ClaimPolicy",
    "ReductionEvidence",
    "CheckStatus",
    "SubjectType",
    # errors and warnings
    "NeutralcoreError",
    "InputError",
    "InvalidQuantityError",
    "SchemaError",
    "UnitError",
    "UnknownUnitError",
    "DimensionError",
    "NotFoundError",
    "FactorNotFoundError",
    "FallbackError",
    "UnknownGWPSetError",
    "UnknownGasError",
    "PluginError",
    "PluginNotFoundError",
    "PluginConflictError",
    "PluginImportError",
    "PluginValidationError",
    "PackFormatError",
    "LeverError",
    "ScenarioError",
    "LedgerError",
    "SerialFormatError",
    "DuplicateSerialError",
    "AlreadyRetiredError",
    "UnknownCreditError",
    "LedgerCorruptError",
    "ClaimError",
    "UnknownProgrammeError",
    "InvalidRetirementError",
    "NeutralcoreWarning",
    "PluginWarning",
    "FallbackWarning",
    "MissingDependencyError",
    "__version__",
]
