"""neutralcore: carbon accounting on the way to carbon neutrality.

The library follows the four steps of carbon neutrality:

1. **Measure** (:mod:`neutralcore.measure`) — :class:`Activity`, :class:`Inventory`,
   :class:`Factor`, :class:`FactorSet`, :class:`Emissions`, with :mod:`neutralcore.units`
   and :mod:`neutralcore.gwp`.
2. **Reduce** (:mod:`neutralcore.reduce`) — levers, scenarios, MAC curves and targets.
3. **Offset** (:mod:`neutralcore.offsets`) — credits and the ledger that retires each serial once.
4. **Claim** (:mod:`neutralcore.claim`) — the neutrality balance, its checks and the report.

Factor packs and levers are plugins found through entry points
(``neutralcore.factors``, ``neutralcore.levers``).  Importing this package
scans nothing and builds nothing.
"""

from importlib.metadata import PackageNotFoundError as _PNF
from importlib.metadata import version as _version

from neutralcore.errors import (
    AlreadyRetiredError,
    ClaimError,
    DimensionError,
    InvalidRetirementError,
    UnknownProgrammeError,
    DuplicateSerialError,
    FactorNotFoundError,
    FallbackError,
    InputError,
    InvalidQuantityError,
    LedgerClosedError,
    LedgerCorruptError,
    LedgerDiskFullError,
    LedgerFormatError,
    LedgerError,
    LedgerLockedError,
    LedgerNotFoundError,
    LedgerReadOnlyError,
    LeverError,
    MissingDependencyError,
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
from neutralcore.claim import (
    Balance,
    CheckStatus,
    ClaimCheck,
    ClaimPolicy,
    ClaimResult,
    ReductionEvidence,
    SubjectType,
    check_claim,
)
from neutralcore.gwp import DEFAULT_GWP, GWP_SETS
from neutralcore.measure import (
    Activity,
    ContractualInstrument,
    Emissions,
    ExchangeRates,
    Factor,
    FactorSet,
    FuelProperty,
    Inventory,
    Matches,
    PriceIndex,
    Scope2Result,
    Source,
    SupplierRate,
    Uncertainty,
)
from neutralcore.offsets import (
    OffsetLedger,
    Retirement,
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
from neutralcore.packs import FactorPack
from neutralcore.registry import PluginSpec, list_packs, load_factors
from neutralcore.levers import Costs, Lever, LeverSet, Outcome, Price
from neutralcore.reduce import Gap, MacCurve, Scenario, Target, Trajectory, mac_curve

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
    "ExchangeRates",
    "PriceIndex",
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
    "LedgerNotFoundError",
    "LedgerLockedError",
    "LedgerClosedError",
    "LedgerReadOnlyError",
    "LedgerDiskFullError",
    "LedgerFormatError",
    "ClaimError",
    "UnknownProgrammeError",
    "InvalidRetirementError",
    "NeutralcoreWarning",
    "PluginWarning",
    "MissingDependencyError",
    "__version__",
]
