"""A README-style script: what a user writes, from factors to a claim report.

Type-checked by tests/test_typing.py with mypy; each ``reveal_type`` must show
a concrete type (never ``Any``).  Not collected by pytest (no ``test_`` name).
"""

import datetime as dt

import neutralcore as nc
from neutralcore.claim import render
from neutralcore.plugins.levers import EnergyEfficiency, RooftopSolar

inv = nc.Inventory([
    nc.Activity("electricity.grid", 1200, "MWh", region="VN", year=2023, scope=2, site="plant-1"),
    nc.Activity("fuel.diesel.stationary", 15_000, "L", region="VN", year=2023, scope=1, site="plant-1"),
])
factors = nc.load_factors("vietnam", "ipcc")
reveal_type(factors)  # R: FactorSet
res = inv.emissions(factors, gwp="AR5")
reveal_type(res)  # R: Emissions
total = res.total()
reveal_type(total)  # R: float
table = res.by("scope", "site")
reveal_type(table)  # R: Table
reveal_type(res.per_gas())  # R: Table
reveal_type(res.matches)  # R: Matches

scenario = nc.Scenario(inv, [(RooftopSolar(500, 1_300, site="plant-1"), 2025),
                             (EnergyEfficiency(0.10, activity="electricity.grid"), 2026)], factors=factors)
trajectory = scenario.trajectory(2023, 2030)
reveal_type(trajectory)  # R: Trajectory
target = nc.Target.sbti(2023, total, 2030)
reveal_type(target)  # R: Target
reveal_type(scenario.gap(target))  # R: Gap
reveal_type(scenario.emissions(2025))  # R: Emissions

ledger = nc.OffsetLedger("acme.ledger", create=True)
reveal_type(ledger)  # R: OffsetLedger
period = nc.Period.year(2023)
reveal_type(period)  # R: Period
credits = ledger.retirements("Acme Ltd", period)
reveal_type(credits)  # R: tuple[Retirement, ...]
balance = nc.Balance.from_emissions(res, subject="Acme Ltd", subject_type="organisation", period=period,
                                    credits=credits, boundary="Operational control; scopes 1 and 2")
reveal_type(balance)  # R: Balance
reveal_type(balance.shortfall)  # R: float
result = nc.check_claim(balance, as_of=dt.date(2024, 6, 30))
reveal_type(result)  # R: ClaimResult
reveal_type(render(balance, "markdown", as_of=dt.date(2024, 6, 30)))  # R: str
