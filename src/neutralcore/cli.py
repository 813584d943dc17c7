"""The ``neutralcore`` command.

``neutralcore report INVENTORY.csv [--factors FACTORS] [--gwp AR5] [--by scope,site] [--fallback year|region] [--strict]``
    prints the total, the breakdown and every factor fallback.  FACTORS is a
    factor CSV file or installed pack names separated by commas
    (``vietnam,ipcc``; a later pack wins where two cover the same key); the
    default is the built-in packs ``vietnam,china,ipcc``.
``neutralcore packs [--no-load]``
    lists the installed factor packs (name, data version, distribution,
    coverage) and whether each one loads; exits 1 if one does not, or if a
    distribution's entry points cannot be read.
``neutralcore factors NAMES [--activity A] [--region R] [--year Y]``
    shows factors of one or more packs with their sources, what kind of
    factor each is, and (with ``--region``) the region's fallback chain.
``neutralcore pack check DIR``
    validates a factor-pack directory (or an installed pack name) with the
    same checks as :func:`neutralcore.testing.check_factor_pack`, listing
    every bad row.

Any :class:`~neutralcore.NeutralcoreError` ends the command with exit status
2 and a one-line message naming the error.  A plugin that raises anything while
it is imported (even ``SystemExit`` or ``KeyboardInterrupt``) is reported as
broken; Ctrl-C stops the command with exit status 130 and no traceback.
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from neutralcore.errors import NeutralcoreError

__all__ = ["main"]

#: The built-in packs, qualified by their distribution so that a third-party pack of the same name cannot
#: make the default ambiguous (it is still loaded through the registry, like any pack).
DEFAULT_PACKS = "neutralcore:vietnam,neutralcore:china,neutralcore:ipcc"


def _cmd_report(args: argparse.Namespace) -> int:
    from neutralcore.measure.inventory import Inventory
    from neutralcore.registry import resolve_factors

    inv = Inventory.read_csv(args.inventory)
    factors = resolve_factors(args.factors)
    if args.fallback is not None:
        factors = factors.with_fallback(args.fallback)
    res = inv.emissions(factors, gwp=args.gwp, strict=args.strict)
    dims = [d.strip() for d in args.by.split(",") if d.strip()]
    total = res.total()
    out = [
        f"Inventory: {args.inventory} ({len(inv):,} row{'s' if len(inv) != 1 else ''})",
        f"Factors:   {args.factors} ({len(factors):,} factors)",
        f"GWP:       GWP100 {res.gwp}",
        "Fallback:  " + ("the row's region first, then earlier years up the chain" if factors.fallback == "region"
                         else "the row's year first, up the region chain (--fallback region to change)"),
        "",
        f"Total: {total:,.3f} t CO2e",
        "",
        repr(res.by(*dims)),
        "",
        repr(res.per_gas()),
        "",
    ]
    summary = res.matches.summary()
    sources = list(dict.fromkeys(summary["source"]))
    ref = {src: f"[{i}]" for i, src in enumerate(sources, 1)}
    fb_rows = [i for i, kind in enumerate(summary["fallback"]) if kind != "exact"]
    if fb_rows:
        from neutralcore._core.table import Table

        cols = ["activity", "region", "year", "region_used", "year_used", "fallback", "rows", "pack"]
        table = {c: [summary[c][i] for i in fb_rows] for c in cols}
        table["source"] = [ref[summary["source"][i]] for i in fb_rows]
        out.append(f"{res.matches.n_fallback_rows:,} row(s) used a fallback factor:")
        out.append(repr(Table(table)))
    else:
        out.append("No fallbacks: every row matched a factor for its own region and year.")
    overridden = [i for i, o in enumerate(summary["overrides"]) if o]
    if overridden:
        out.append("")
        out.append("Factors chosen over another pack's factor for the same key (later pack wins):")
        for i in overridden:
            out.append(f"  ({summary['activity'][i]}, {summary['region_used'][i]}, {summary['year_used'][i]}): "
                       f"{summary['pack'][i]} over {summary['overrides'][i]}")
    out.append("")
    out.append("Sources:")
    for src in sources:
        out.append(f"  {ref[src]} {src}")
    print("\n".join(out))
    return 0


def _text_table(header: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[bool] = ()) -> str:
    from neutralcore._core.table import Table

    aligned = [h for h, r in zip(header, right) if r]
    return Table.from_rows(header, rows, right=aligned).to_text(max_rows=None)


def _num(value: float) -> str:
    """A factor value as published: no rounding, no trailing ``.0``."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def _cmd_packs(args: argparse.Namespace) -> int:
    import warnings

    from neutralcore import registry
    from neutralcore.errors import PluginWarning

    with warnings.catch_warnings():
        # distributions with unreadable entry points are listed under "Problems" below instead
        warnings.simplefilter("ignore", PluginWarning)
        infos = registry.list_packs()
        unreadable = registry.unreadable("factors")
        statuses = {}
        if not args.no_load:
            statuses = {(st.spec.name, st.spec.dist): st for st in registry.status("factors") if st.spec.name != "*"}
    if not infos and not unreadable:
        print("No factor packs are installed (entry-point group 'neutralcore.factors').")
        return 0
    header = ["name", "version", "distribution", "years", "regions", "activities"] + ([] if args.no_load else ["status"])
    rows, notes = [], []
    for info in infos:
        cov = info.coverage
        dist = f"{info.dist} {info.dist_version or ''}".strip() if info.dist else "(registered at run time)"
        row = [
            info.spec.qualified_name if info.conflicts else info.name,
            info.version or "?",
            dist,
            cov.year_span if cov else "?",
            str(len(cov.regions)) if cov else "?",
            str(len(cov.activities)) if cov else "?",
        ]
        if info.problem:
            notes.append(f"  {info.spec.qualified_name}: {info.problem}")
        conflict = f"  {info.name}: provided by {', '.join(info.conflicts)}; use the qualified name"
        if info.conflicts and conflict not in notes:
            notes.append(conflict)
        if not args.no_load:
            st = statuses.get((info.name, info.dist))
            if st is None or st.ok:
                row.append("ok")
            else:
                row.append(f"ERROR ({type(st.error).__name__})")
                notes.append(f"  {info.spec.qualified_name}: {type(st.error).__name__}: {st.error}")
        rows.append(row)
    for err in unreadable:
        notes.append(f"  {err.dist} {err.version or ''}".rstrip() + f": {err}")
    if rows:
        print(_text_table(header, rows, right=[False, False, False, False, True, True]))
        print()
    titled = set()
    for info in infos:
        if info.title and info.spec.qualified_name not in titled:
            titled.add(info.spec.qualified_name)
            print(f"{info.spec.qualified_name if info.conflicts else info.name}: {info.title}")
            if info.description:
                print(f"  {info.description}")
    if notes:
        print()
        print("Problems:")
        print("\n".join(notes))
    broken = [st for st in statuses.values() if not st.ok]
    return 1 if broken or unreadable else 0


def _cmd_factors(args: argparse.Namespace) -> int:
    from neutralcore.registry import load_factors

    fs = load_factors(args.names)
    sub = fs.where(activity=args.activity, region=args.region, year=args.year)
    criteria = ", ".join(f"{k} {v}" for k, v in (("activity", args.activity), ("region", args.region), ("year", args.year)) if v is not None)
    print(f"Factors: {args.names} ({len(sub)} of {len(fs)} factors{'; ' + criteria if criteria else ''})")
    if not len(sub):
        print("No factor matches.", file=sys.stderr)
        return 1
    factors = list(sub)
    gases = [g for g in sub.gases if any(g in f.gases for f in factors)]
    sources: dict = {}

    def ref(source: object) -> str:
        return f"[{sources.setdefault(source, len(sources) + 1)}]"

    rows = []
    for f in factors:
        row = [f.activity, f.region, str(f.year), f.unit] + [_num(f.gases[g]) if g in f.gases else "" for g in gases]
        row += [
            f"{_num(f.ncv.value)} {f.ncv.unit} {ref(f.ncv.source)}" if f.ncv else "",
            f"{_num(f.density.value)} {f.density.unit} {ref(f.density.source)}" if f.density else "",
            f.pack or "",
            f.confidence or "",
            ref(f.source),
        ]
        rows.append(row)
    header = ["activity", "region", "year", "unit"] + gases + ["ncv", "density", "pack", "conf", "source"]
    right = [False, False, True, False] + [True] * len(gases)
    if not any(f.ncv or f.density for f in factors):
        header = header[: -5] + header[-3:]
        rows = [r[: -5] + r[-3:] for r in rows]
    print(_text_table(header, rows, right))
    if args.region is not None:
        chain = fs.region_chain(args.region)
        named = [f"{r} ({fs.regions[r][1]})" if r in fs.regions and fs.regions[r][1] else r for r in chain]
        if len(chain) > 1:
            print()
            print(f"In a calculation, a {args.region} row uses the first of {', '.join(named)} that has a factor "
                  "for the row's year; if none has, the most specific one with an earlier year. "
                  "The report lists every fallback.")
    kinds = list(dict.fromkeys((f.activity, f.kind) for f in factors if f.kind))
    if kinds:
        print()
        print("What the factors are:")
        for activity, kind in kinds:
            print(f"  {activity}: {kind}")
    print()
    print("Sources:")
    for source, n in sources.items():
        print(f"  [{n}] {source}")
        if getattr(source, "note", None):
            print(f"      note: {source.note}")
    return 0


def _cmd_pack_check(args: argparse.Namespace) -> int:
    from neutralcore.testing import check_factor_pack

    report = check_factor_pack(args.directory)
    print(f"ok: {report.summary()}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="neutralcore", description="Carbon accounting: measure, reduce, offset, claim.")
    sub = parser.add_subparsers(dest="command", required=True)
    rep = sub.add_parser("report", help="emissions of an inventory CSV")
    rep.add_argument("inventory", help="inventory CSV (activity,quantity,unit,region,year,scope[,category,site,…])")
    rep.add_argument("--factors", default=DEFAULT_PACKS, help="pack names, factor CSV files and pack directories, comma-separated; the later wins for a key both "
                     f"cover (default: {DEFAULT_PACKS})")
    rep.add_argument("--fallback", choices=("year", "region"), default=None,
                     help="which fallback first when a row's own region and year have no factor: 'year' (default; "
                          "the row's year up the region chain) or 'region' (the row's region, an earlier year)")
    rep.add_argument("--gwp", default=None, help="GWP100 set: AR4, AR5 (default) or AR6")
    rep.add_argument("--by", default="scope", help="dimensions to group by, comma-separated (default: scope)")
    rep.add_argument("--strict", action="store_true", help="fail on any region or year fallback")
    rep.set_defaults(func=_cmd_report)

    packs = sub.add_parser("packs", help="list installed factor packs and check that each loads (exit 1 if one does not)")
    packs.add_argument("--no-load", action="store_true", help="only read metadata; do not import or validate any pack")
    packs.set_defaults(func=_cmd_packs)

    fac = sub.add_parser("factors", help="show the factors of installed packs, with their sources")
    fac.add_argument("names", help="pack name(s), comma-separated (a later pack wins where two cover the same key)")
    fac.add_argument("--activity", help="activity key or dotted prefix, e.g. electricity.grid or fuel.diesel")
    fac.add_argument("--region", help="region code, e.g. VN or CN-JS (exact; no fallback)")
    fac.add_argument("--year", type=int, help="data year (exact; no fallback)")
    fac.set_defaults(func=_cmd_factors)

    pack = sub.add_parser("pack", help="factor-pack tools for authors")
    pack_sub = pack.add_subparsers(dest="pack_command", required=True)
    check = pack_sub.add_parser("check", help="validate a factor-pack directory (the one with pack.toml) or an installed pack")
    check.add_argument("directory", help="pack directory, or an installed pack name")
    check.set_defaults(func=_cmd_pack_check)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return its exit status (2 for a neutralcore error, 130 after Ctrl-C)."""
    try:
        args = build_parser().parse_args(argv)
        return int(args.func(args) or 0)
    except KeyboardInterrupt:  # the user's Ctrl-C (a plugin's own KeyboardInterrupt is a PluginImportError)
        print("neutralcore: interrupted", file=sys.stderr)
        return 130
    except NeutralcoreError as exc:
        print(f"neutralcore: error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `neutralcore report x.csv | head`: the reader left; no traceback
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
