"""Step 2, reduce: levers turn an inventory into scenarios, trajectories and MAC curves.

:class:`Scenario` applies levers (see :mod:`neutralcore.levers` for the lever
protocol) year by year; :class:`Trajectory` and :class:`Gap` compare it with a
:class:`Target`; :func:`mac_curve` ranks levers by cost per tonne.
"""

from neutralcore.reduce.attribution import Attribution, attribute
from neutralcore.reduce.baseyear import BaseYear, BaseYearChange, Recalculation, RecalculationPolicy
from neutralcore.reduce.mac import MacCurve, mac_curve
from neutralcore.reduce.targetcheck import TargetValidation, validate_targets
from neutralcore.reduce.scenario import Gap, Scenario, ScenarioYear, Target, Trajectory

__all__ = ["Scenario", "ScenarioYear", "Trajectory", "Target", "Gap", "mac_curve", "MacCurve", "BaseYear",
           "BaseYearChange", "RecalculationPolicy", "Recalculation", "TargetValidation", "validate_targets",
           "Attribution", "attribute"]
