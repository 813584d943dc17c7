"""A lever published as its own distribution appears in the registry and works in scenarios and MAC curves.

The distribution is real: a module and a ``.dist-info`` with ``entry_points.txt`` on a temporary
``sys.path`` entry (the ``install_dist`` fixture), discovered through ``importlib.metadata``.
Diesel: 10 TJ x 74,100 kg CO2/TJ = 741 t (IPCC 2006 Vol.2 Table 2.3).
"""

from __future__ import annotations

import sys

import pytest

import neutralcore as nc
from neutralcore import registry

ACME = '''
import attrs
import numpy as np

import neutralcore as nc
from neutralcore.levers import fraction, parameter


@attrs.frozen
class HeatRecovery(nc.Lever):
    kind = "heat-recovery"
    description = "Recovers waste heat to cut the fuel burned in boilers."

    share: float = parameter("1", "share of boiler fuel saved", validator=fraction)

    def apply(self, inventory, year):
        m = self.require(inventory, inventory.mask(activity="fuel", scope=1), "boiler fuel (scope 1)")
        return inventory.with_quantity(np.where(m, inventory.quantity * (1 - self.share), inventory.quantity))


heat_recovery = nc.LeverSet.of(HeatRecovery)
recovery_30 = HeatRecovery(0.3, name="acme-recovery-30", costs=nc.Costs(50_000, 10, opex_delta=1_000))
'''

IPCC = nc.Source("IPCC", "2006 IPCC Guidelines Vol.2 Table 2.3", 2006)
FS = nc.FactorSet.from_factors([nc.Factor("fuel.diesel.stationary", "World", 2006, "kg/TJ", {"CO2": 74100}, IPCC)])
BASE = nc.Inventory([nc.Activity("fuel.diesel.stationary", 10, "TJ", region="VN", year=2024, scope=1, site="p")])


@pytest.fixture
def acme(install_dist):
    install_dist("acme-levers", "2.1", levers={"heat-recovery": "acme_levers:heat_recovery",
                                               "acme-recovery-30": "acme_levers:recovery_30"},
                 modules={"acme_levers": ACME})


def test_third_party_lever_is_listed_without_import(acme):
    specs = {s.name: s for s in registry.available("levers")}
    assert specs["heat-recovery"].dist == "acme-levers"
    assert specs["heat-recovery"].version == "2.1"
    assert "acme_levers" not in sys.modules


def test_third_party_lever_kind_works_in_a_scenario(acme):
    """From 2025, 30 % less diesel: 741 x 0.7 = 518.7 t."""
    kind = registry.load("levers", "heat-recovery")
    lever = kind(0.3)
    assert isinstance(lever, nc.Lever) and lever.kind == "heat-recovery"
    traj = nc.Scenario(BASE, [(lever, 2025)], factors=FS).trajectory(2024, 2026)
    assert traj["scope1"][0] == pytest.approx(741.0)
    assert traj["scope1"][1] == pytest.approx(518.7)
    assert traj["scope1"][2] == pytest.approx(518.7)
    with pytest.raises(nc.LeverError):
        kind(1.3)


def test_configured_third_party_lever_in_a_mac_curve(acme):
    """222.3 t/yr abated; 50,000 x CRF(8 %, 10) + 1,000 = 8,451.48 $/yr -> 38.02 $/t."""
    lever = registry.load("levers", "acme-recovery-30")
    curve = nc.mac_curve(BASE, [lever], 2024, 0.08, factors=FS)
    assert curve["abatement_t"][0] == pytest.approx(222.3)
    assert round(curve["cost_per_t"][0], 2) == 38.02


def test_builtin_levers_are_registered_the_same_way():
    names = {s.name for s in registry.available("levers")}
    assert {"rooftop-solar", "efficiency", "fuel-switch", "renewable-contract", "ccs", "tree-planting"} <= names
    eff = registry.load("levers", "efficiency")(0.1, activity="fuel")
    traj = nc.Scenario(BASE, [eff], factors=FS).trajectory(2024, 2024)
    assert traj["scope1"][0] == pytest.approx(666.9)
