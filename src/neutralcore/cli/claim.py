"""``neutralcore claim CLAIM.toml``: the neutrality balance of a claim file, its checks, and the report.

The file's format is described in ``docs/cli.md``; ``examples/claim.toml`` is a worked one.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from neutralcore._core.table import Table
from neutralcore.cli.config import Config, ConfigSection
from neutralcore.cli.inputs import read_instruments, read_inventory
from neutralcore.cli.ledger import parse_period
from neutralcore.cli.output import Document, Fact, emit
from neutralcore.errors import NeutralcoreError

if TYPE_CHECKING:
    from neutralcore.claim import Balance

__all__ = ["read_claim", "claim", "add_parsers"]

_TOP = ("subject", "subject_type", "period", "standard", "boundary", "claimant", "removals", "reversals", "ledger",
        "as_of", "report", "inventory", "factors", "gwp", "scope2", "instruments", "entity", "emissions", "reduction",
        "policy")
_EMISSIONS = ("total", "by_scope", "gwp_set", "scope2_basis", "scope2_figures", "disclosures")
_REDUCTION = ("period_index", "reference_label", "reference_emissions", "intensity", "reference_intensity",
              "intensity_unit", "base_year", "actions")
_POLICY = ("retirement_window_months", "max_vintage_age_years", "net_zero_min_reduction", "min_permanence_years",
           "beneficiary_aliases")
_REPORT_FORMATS = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html", ".json": "json"}


def _located(section: ConfigSection, key: str | None, make: Any) -> Any:
    try:
        return make()
    except NeutralcoreError as exc:
        if getattr(exc, "file", None) == str(section.config.path):
            raise
        raise section.error(key, f"{type(exc).__name__}: {exc}") from exc


def _scope_map(s: ConfigSection, key: str) -> dict[int, float] | None:
    table = s.get(key, dict)
    if table is None:
        return None
    out = {}
    for k, v in table.items():
        scope = str(k).lower().removeprefix("scope").strip()
        if scope not in ("1", "2", "3") or isinstance(v, bool) or not isinstance(v, (int, float)):
            raise s.config.error(s.path + (key, k), f"must be scope 1, 2 or 3 = tonnes, got {k} = {v!r}")
        out[int(scope)] = float(v)
    return out


def read_claim(path: str, *, ledger: str | None = None) -> tuple["Balance", Config, dict[str, Any]]:
    """The balance a claim TOML file describes, the file, and its settings (standard, as_of, report path)."""
    from neutralcore.claim import Balance, ClaimPolicy, ReductionEvidence
    from neutralcore.offsets import OffsetLedger

    cfg = Config(path)
    top = cfg.section()
    top.check_keys(_TOP)
    subject = top.get("subject", str, required=True)
    period_text = top.get("period", (int, str), required=True)
    period = _located(top, "period", lambda: parse_period(str(period_text), "period"))
    kw: dict[str, Any] = {"subject": subject, "subject_type": top.get("subject_type", str, "organisation"),
                          "period": period}
    for key, kind in (("boundary", str), ("claimant", str), ("removals", float), ("reversals", float)):
        if key in top:
            kw[key] = top.get(key, kind)
    reduction = top.table("reduction")
    if reduction is not None:
        reduction.check_keys(_REDUCTION)
        data = dict(reduction.data)
        if "actions" in data:
            data["actions"] = tuple(reduction.get("actions", list))
        kw["reduction"] = _located(reduction, None, lambda: ReductionEvidence(**data))
    policy = top.table("policy")
    if policy is not None:
        policy.check_keys(_POLICY)
        pdata = dict(policy.data)
        kw["policy"] = _located(policy, None, lambda: ClaimPolicy(**pdata))
    ledger_path = Path(ledger) if ledger else top.path_value("ledger")
    if ledger_path is not None:
        def retirements() -> Any:
            with OffsetLedger(ledger_path, read_only=True) as led:
                return led.retirements(kw.get("claimant") or subject, period)

        kw["credits"] = _located(top, "ledger", retirements)
    em = top.table("emissions")
    if ("inventory" in top) == (em is not None):
        raise top.error(None, "give either inventory = FILE (with factors) or an [emissions] table, not both or neither")
    if em is not None:
        em.check_keys(_EMISSIONS)
        by_scope = _scope_map(em, "by_scope")
        total = em.get("total", float, sum(by_scope.values()) if by_scope else None)
        if total is None:
            raise em.error(None, "missing key 'emissions.total' (or emissions.by_scope)")
        figures = em.get("scope2_figures", dict)
        ekw: dict[str, Any] = {"emissions": total, "by_scope": by_scope or {}, "gwp_set": em.get("gwp_set", str, required=True),
                               "scope2_basis": em.get("scope2_basis", str, required=True)}
        if figures is not None:
            ekw["scope2_figures"] = {str(k): float(v) for k, v in figures.items()}
        if "disclosures" in em:
            ekw["disclosures"] = tuple(em.get("disclosures", list))
        balance = _located(em, None, lambda: Balance(**kw, **ekw))
    else:
        from neutralcore.registry import resolve_factors

        inv_path = top.path_value("inventory")
        inv = _located(top, "inventory", lambda: read_inventory(inv_path))  # type: ignore[arg-type]
        spec = top.get("factors", str, "neutralcore:vietnam,neutralcore:china,neutralcore:ipcc")
        factors = _located(top, "factors", lambda: resolve_factors(spec))
        scope2 = top.get("scope2", str)
        mkw: dict[str, Any] = {}
        if "instruments" in top:
            ins = top.path_value("instruments")
            mkw["instruments"] = _located(top, "instruments", lambda: read_instruments(ins))  # type: ignore[arg-type]
        if scope2 is not None or mkw:
            mkw["scope2"] = scope2 or "market"
            mkw["entity"] = top.get("entity", str, kw.get("claimant") or subject)
        result = _located(top, "inventory", lambda: inv.emissions(factors, gwp=top.get("gwp", str), **mkw))
        balance = _located(top, None, lambda: Balance.from_emissions(result, **kw))
    settings = {"standard": top.get("standard", str, "ISO 14068-1"), "as_of": top.get("as_of", str),
                "report": top.path_value("report")}
    return balance, cfg, settings


def claim(args: argparse.Namespace) -> int:
    """``neutralcore claim CLAIM.toml``: print the balance and the checks, write the report; exit 1 if a check fails."""
    balance, cfg, settings = read_claim(args.file, ledger=args.ledger)
    standard = args.standard or settings["standard"]
    as_of = args.as_of or settings["as_of"]
    top = cfg.section()
    result = _located(top, "standard", lambda: balance.check(standard, as_of=as_of))
    report_path = Path(args.report) if args.report else settings["report"]
    notes = []
    if report_path is not None:
        fmt = _REPORT_FORMATS.get(report_path.suffix.lower())
        if fmt is None:
            raise top.error("report", f"the report file must end in .md, .html or .json, got {report_path.name!r}")
        text = _located(top, "standard", lambda: balance.report(fmt, standard=standard, as_of=as_of))
        tmp = report_path.with_name(report_path.name + ".tmp")
        try:
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(report_path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise top.error("report", f"cannot write {report_path}: {exc.strerror or exc}") from exc
        notes.append(f"Report written to {report_path}")
    notes.append("Credits do not reduce the footprint: they are shown beside it, never subtracted from it.")
    checks = Table.from_rows(("rule", "status", "title", "reason", "evidence"),
                             [(c.rule, c.status.value, c.title, c.reason, c.evidence) for c in result],
                             title=f"Checks ({result.standard})")
    facts = [
        Fact("subject", "Subject", balance.subject),
        Fact("period", "Period", str(balance.period)),
        Fact("standard", "Standard", result.standard),
        Fact("emissions_t", "E", balance.emissions, f"{balance.emissions:,.3f} t CO2e ({balance.gwp_set}; scope 2 "
                                                    f"{balance.scope2_basis}-based)"),
        Fact("removals_t", "R", balance.removals, f"{balance.removals:,.3f} t CO2e (in-boundary removals)"),
        Fact("residual_t", "E - R", balance.residual, f"{balance.residual:,.3f} t CO2e"),
        Fact("credits_t", "C", balance.C, f"{balance.C:,.3f} t CO2e of eligible retired credits"),
        Fact("shortfall_t", "Shortfall", balance.shortfall, f"{balance.shortfall:,.3f} t CO2e"),
        Fact("ok", "Result", result.ok, "every check passed" + (f" ({len(result.warnings)} warning(s))"
                                                               if result.warnings else "") if result.ok
             else f"{len(result.failed)} check(s) failed: {', '.join(c.rule for c in result.failed)}", headline=True),
    ]
    emit(Document(f"Claim of {balance.subject}, {balance.period}", facts, [("checks", checks)], notes),
         args.format, args.output)
    return 0 if result.ok else 1


def add_parsers(sub: Any, common: Sequence[argparse.ArgumentParser]) -> None:
    """The ``claim`` subcommand, on the ``neutralcore`` parser's subparsers *sub*."""
    cl = sub.add_parser("claim", parents=common, help="check a claim file and write its report (exit 1 if a check fails)",
                        description="The neutrality balance of a claim TOML file (inventory or emissions, ledger, "
                                    "period, standard; see docs/cli.md): prints the checks and writes the report.")
    cl.add_argument("file", help="claim TOML file")
    cl.add_argument("--ledger", help="ledger file (overrides the file's ledger)")
    cl.add_argument("--report", help="report file, .md, .html or .json (overrides the file's report)")
    cl.add_argument("--standard", help="ISO 14068-1 or net-zero (overrides the file's standard)")
    cl.add_argument("--as-of", help="assessment date, ISO (overrides the file's as_of; default today)")
    cl.set_defaults(func=claim)
