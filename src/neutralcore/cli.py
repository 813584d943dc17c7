"""The ``neutralcore`` command.

``neutralcore report INVENTORY.csv --factors FACTORS [--gwp AR5] [--by scope,site] [--strict]``
prints the total, the breakdown and every factor fallback.  FACTORS is a
factor CSV file or installed pack names separated by commas
(``vietnam,ipcc``; a later pack wins where two cover the same key).
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from .errors import NeutralcoreError

__all__ = ["main"]

DEFAULT_PACKS = "vietnam,china,ipcc"


def _cmd_report(args: argparse.Namespace) -> int:
    from .inventory import Inventory
    from .kernel import _as_factorset

    inv = Inventory.read_csv(args.inventory)
    factors = _as_factorset(args.factors)
    res = inv.emissions(factors, gwp=args.gwp, strict=args.strict)
    dims = [d.strip() for d in args.by.split(",") if d.strip()]
    total = res.total().magnitude
    out = [
        f"Inventory: {args.inventory} ({len(inv):,} rows)",
        f"Factors:   {args.factors} ({len(factors):,} factors)",
        f"GWP:       GWP100 {res.gwp}",
        "",
        f"Total: {total:,.3f} t CO2e",
        "",
        repr(res.by(*dims)),
        "",
        repr(res.per_gas()),
        "",
    ]
    fb = res.matches.fallbacks()
    if len(fb):
        out.append(f"{res.matches.n_fallback_rows:,} row(s) used a fallback factor:")
        out.append(repr(fb).split("\n", 1)[1])
    else:
        out.append("No fallbacks: every row matched a factor for its own region and year.")
    out.append("")
    out.append("Sources:")
    s = res.matches.summary()
    for src in dict.fromkeys(s["source"]):
        out.append(f"  - {src}")
    print("\n".join(out))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="neutralcore", description="Carbon accounting: measure, reduce, offset, claim.")
    sub = parser.add_subparsers(dest="command", required=True)
    rep = sub.add_parser("report", help="emissions of an inventory CSV")
    rep.add_argument("inventory", help="inventory CSV (activity,quantity,unit,region,year,scope[,category,site,…])")
    rep.add_argument("--factors", default=DEFAULT_PACKS, help=f"factor CSV or pack names (default: {DEFAULT_PACKS})")
    rep.add_argument("--gwp", default=None, help="GWP100 set: AR4, AR5 (default) or AR6")
    rep.add_argument("--by", default="scope", help="dimensions to group by, comma-separated (default: scope)")
    rep.add_argument("--strict", action="store_true", help="fail on any region or year fallback")
    rep.set_defaults(func=_cmd_report)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except NeutralcoreError as exc:
        print(f"neutralcore: error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
