"""Render a carbon-neutrality (or net-zero) report from a :class:`~neutralcore.claim.Balance`.

:func:`render` writes Markdown or HTML for people and JSON for machines.  The
report follows the documented information of ISO 14068-1:2023 §11.4, as
summarised by 360impactportfolio.com (a secondary source): subject,
period, boundary, footprint by scope with the GWP set and the Scope 2 basis,
the emission factors behind it (each one's kind, values, source and confidence),
removals, the reduction evidence, each credit block (programme, project,
type, vintage, serials, quantity, retirement date, beneficiary; past
:data:`MAX_LISTED_BLOCKS` blocks a summary by programme, type and vintage and
the count of blocks left to the JSON report), the balance statement and every
check's result with its source.  A warning paragraph
states plainly that credits do not reduce the footprint.

All user-supplied text is escaped: tables by the one table renderer
(:meth:`neutralcore._core.table.Table.to_markdown` / ``to_html``), paragraphs
here with :func:`html.escape` and :func:`~neutralcore._core.table.markdown_escape`.
"""

from __future__ import annotations

import datetime as _dt
import html
import itertools
import json
import operator
import re
import uuid
from typing import Sequence, Union

import attrs

from neutralcore._core.collection import no_collection
from neutralcore._core.records import json_texts
from neutralcore._core.table import Table, markdown_escape
from neutralcore.claim.check import check_claim
from neutralcore.claim.equation import BalanceEquation
from neutralcore.claim.policy import ClaimPolicy
from neutralcore.claim.result import ClaimResult
from neutralcore.claim.text import tonnes
from neutralcore.errors import ClaimError
from neutralcore.offsets import CreditKind, Retirement
from neutralcore.offsets.retirement import RETIREMENT_RECORD

__all__ = ["render", "CREDITS_WARNING", "REPORT_FORMATS", "MAX_LISTED_BLOCKS", "FACTORS_HEADING"]

#: Output formats :func:`render` accepts.
REPORT_FORMATS = ("markdown", "html", "json")

#: The plain-language warning every report carries.  neutralcore's own wording: it shows credits outside the
#: inventory, and the mitigation hierarchy puts reductions first (rules ISO-MP-04 and ISO-QF-03).
CREDITS_WARNING = (
    "Carbon credits do not reduce this footprint. The emissions reported here are what the subject emitted in "
    "the period; retiring credits pays for reductions or removals elsewhere and does not lower that total. "
    "Credits are shown outside the inventory and are never subtracted from it: reductions come first, and the "
    "quality of a credit (additionality, permanence, leakage, and double claiming with a host country's "
    "national target) is a risk that remains with the claim."
)

_EVIDENCE_NOTE = (
    "Evidence tags: P = primary text or a faithful copy; S = a single secondary summary; S2+ = two or more "
    "secondary summaries; U = not verified; C = constructed rule or user policy. The full texts of ISO 14068-1:2023 "
    "and the SBTi Net-Zero Standard were not available; rules tagged S or S2+ rest on secondary summaries."
)


_Block = Union[str, Table]


def _t(value: float) -> str:
    return f"{tonnes(value)} t"


_FIGURE_COLUMNS = ("t CO2e", "Mass (t)", "Quantity (t)", "Counted in C (t)", "Blocks")


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> Table:
    """A report table; the columns of figures are right-aligned."""
    return Table.from_rows(headers, rows, right=[h for h in headers if h in _FIGURE_COLUMNS])

_BLOCK_HEADERS = ("Programme", "Project", "Country", "Methodology", "Type", "Vintage", "Serials", "Quantity (t)",
                  "Issued", "Verifier", "Retired", "Beneficiary", "Retired for", "Corresponding adjustment",
                  "Counted in C")

#: How many credit blocks, and how many blocks not counted, a Markdown or HTML report lists one by one unless
#: told otherwise; a longer listing is preceded by its summary by programme, type and vintage.
MAX_LISTED_BLOCKS = 1000


def _block_row(r: Retirement, counted: bool) -> tuple[str, ...]:
    o = r.offset
    kind_text = o.type_label
    if o.permanence_years or o.buffer_fraction is not None:
        extra = []
        if o.permanence_years:
            extra.append(f"{o.permanence_years}-year horizon")
        if o.buffer_fraction is not None:
            extra.append(f"{o.buffer_fraction:.0%} buffer")
        kind_text += " (" + ", ".join(extra) + ")"
    return (
        o.programme_label,
        o.project_id + (f" {o.project_name}" if o.project_name else ""),
        o.country,
        o.methodology or "not recorded",
        kind_text,
        str(o.vintage),
        o.serial,
        f"{o.quantity:,}",
        o.issuance_date.isoformat() if o.issuance_date else "not recorded",
        o.verifier or "not recorded",
        r.retired_on.isoformat(),
        r.beneficiary + (f" (reason: {r.reason})" if r.reason else ""),
        f"{r.subject}, {r.period}",
        o.corresponding_adjustment.value
        + {True: ", host authorised", False: ", not host authorised", None: ""}[o.host_authorised],
        "yes" if counted else "no",
    )


_SUMMARY_KEY = operator.attrgetter("offset.programme", "offset.programme_name", "offset.kind", "offset.removal_type",
                                   "offset.vintage")


def _summary(b: BalanceEquation, group: Sequence[int], quantity: Sequence[int]) -> Table:
    """Blocks, tonnes retired and tonnes counted in C by programme, type and vintage."""
    credits, counted = b.credits, b.assessment.counted
    totals: dict[tuple[object, ...], list[int]] = {}
    first: dict[tuple[object, ...], Retirement] = {}
    for i in group:
        r = credits[i]
        key = _SUMMARY_KEY(r)
        row = totals.get(key)
        if row is None:
            row = totals[key] = [0, 0, 0]
            first[key] = r
        row[0] += 1
        row[1] += quantity[i]
        if counted(i):
            row[2] += quantity[i]
    rows = sorted((first[k].offset.programme_label, first[k].offset.type_label, str(first[k].offset.vintage),
                   f"{n:,}", f"{q:,}", f"{c:,}") for k, (n, q, c) in totals.items())
    return _table(("Programme", "Type", "Vintage", "Blocks", "Quantity (t)", "Counted in C (t)"), rows)


def _credit_blocks(b: BalanceEquation, max_blocks: int | None) -> list[_Block]:
    """The credits section: per credit type, the subtotal and the blocks (a summary first when they are capped)."""
    a = b.assessment
    credits = b.credits
    quantity = a.quantities
    counted = [0 if i in a.failures else q for i, q in enumerate(quantity)]
    out: list[_Block] = []
    for kind, label in ((CreditKind.REMOVAL, "Removal credits"), (CreditKind.AVOIDANCE, "Avoidance / reduction credits")):
        group = [i for i, r in enumerate(credits) if r.offset.kind is kind]
        if not group:
            out.append(f"{label}: none.")
            continue
        out.append(f"{label}: {sum(quantity[i] for i in group):,} t retired, {sum(counted[i] for i in group):,} t "
                   "counted in C.")
        listed = group if max_blocks is None else group[:max_blocks]
        if len(listed) < len(group):
            rest = group[len(listed):]
            out.append(_summary(b, group, quantity))
            out.append(f"The first {len(listed):,} of {len(group):,} blocks are listed below. The other "
                       f"{len(rest):,} blocks ({sum(quantity[i] for i in rest):,} t retired, "
                       f"{sum(counted[i] for i in rest):,} t counted in C) are in the summary above and listed one "
                       "by one in the JSON report.")
        out.append(_table(_BLOCK_HEADERS, [_block_row(credits[i], a.counted(i)) for i in listed]))
    failures = a.failures
    shown = list(failures.items()) if max_blocks is None else list(itertools.islice(failures.items(), max_blocks))
    for i, reasons in shown:
        out.append(f"Not counted: {credits[i].offset.serial}: " + "; ".join(reasons) + ".")
    if len(shown) < len(failures):
        by_reasons: dict[tuple[str, ...], list[int]] = {}
        for i, reasons in failures.items():
            row = by_reasons.setdefault(reasons, [0, 0])
            row[0] += 1
            row[1] += quantity[i]
        out.append(f"{len(failures):,} blocks ({a.excluded_t():,} t) are not counted; "
                   + ("the first is" if len(shown) == 1 else f"the first {len(shown):,} are")
                   + " named above, and here all of them by reason:")
        out.append(_table(("Reasons not counted", "Blocks", "Quantity (t)"),
                          [("; ".join(reasons), f"{n:,}", f"{q:,}") for reasons, (n, q) in by_reasons.items()]))
    return out


#: The heading of the section listing the emission factors behind E (shown when the balance has them).
FACTORS_HEADING = "Emission factors used"

_FACTORS_NOTE = (
    "Each emission factor behind E, once: what the number is as its publisher defines it (kind), its values, "
    "and where it was published. Region and year are the factor's own; a row may have reached it from a "
    "province or a later year by fallback (Emissions.matches). Confidence: A = read from the publisher's own "
    "dataset or text; B = a curated transcription or news copy of an official announcement; C = a weak "
    "secondary source; DERIVED = computed by neutralcore from published inputs by the publisher's formula "
    "(docs/factor-sources.md)."
)


def _factor_blocks(b: BalanceEquation) -> list[_Block]:
    """The factors section: one row per factor used, with its kind and its source citation."""
    return [_FACTORS_NOTE, _table(
        ("Activity", "Region", "Year", "Values", "Kind", "Source", "Confidence", "Pack"),
        [(f.activity, f.region, str(f.year), f.values_text, f.kind or "not stated", f.source or "not stated",
          f.confidence or "not stated", f.pack or "—") for f in b.factors_used],
    )]


def _build(balance: BalanceEquation, result: ClaimResult,
           max_blocks: int | None) -> tuple[str, str, list[tuple[str, list[_Block]]]]:
    """Return (title, summary, sections) shared by the Markdown and HTML renderers."""
    b = balance
    nz = result.standard == "net-zero"
    title = ("Net-zero claim report" if nz else "Carbon-neutrality report") + f": {b.subject}, {b.period}"
    std_ref = {"net-zero": "net zero (SBTi Corporate Net-Zero Standard v1.x reading)", "PAS 2060": "PAS 2060:2014",
               "VCMI": "VCMI Claims Code of Practice"}.get(result.standard, "ISO 14068-1:2023")
    verdict = (
        "all checks pass or warn; no check failed" if result.ok
        else f"{len(result.failed)} check(s) failed: " + ", ".join(c.rule for c in result.failed)
    )
    statement_text = b.statement(result.standard)
    summary = f"Claim assessed against {std_ref}: {verdict}. {statement_text}"
    sections: list[tuple[str, list[_Block]]] = []

    sections.append(("Subject and period", [
        _table(("Field", "Value"), (
            ("Subject", b.subject),
            ("Subject type", b.subject_type.value),
            ("Claimant (retirement beneficiary)", b.claimant_name),
            ("Period", str(b.period)),
            ("Standard", std_ref),
        )),
    ]))
    sections.append(("Boundary", [b.boundary or "No boundary description was given."]))

    scope_rows = [(f"Scope {k}", _t(v)) for k, v in b.by_scope.items()]
    scope_rows.append(("Total emissions in the boundary", _t(b.emissions)))
    if b.reversals:
        scope_rows.append(("Reversals of removals counted in earlier periods (added to E)", _t(b.reversals)))
    scope_rows.append(("E", _t(b.E)))
    footprint: list[_Block] = [
        f"GWP set: {b.gwp_set}. Scope 2 basis in E: {b.scope2_basis}-based.",
        _table(("Scope", "t CO2e"), tuple(scope_rows)),
    ]
    if b.scope2_figures:
        footprint.append(_table(("Scope 2 method", "t CO2e", "In E"), tuple(
            (f"{method}-based", _t(value), "yes" if method == b.scope2_basis else "no")
            for method, value in sorted(b.scope2_figures.items())
        )))
    footprint += [f"Disclosure: {d}" for d in b.disclosures]
    sections.append(("Footprint", footprint))
    if b.separately_reported:
        sections.append(("Reported separately (not in the balance)", [
            "Biogenic CO2 and gases the Kyoto Protocol does not cover are reported separately from the scopes and "
            "are not part of E (GHG Protocol Corporate Standard, revised edition 2004, chapter 9).",
            _table(("Gas", "Kind", "Mass (t)", "t CO2e"), tuple(
                (g.gas, g.kind, tonnes(g.mass_t), "no GWP in this set" if g.co2e_t != g.co2e_t else _t(g.co2e_t))
                for g in b.separately_reported
            )),
        ]))
    if b.factors_used:
        sections.append((FACTORS_HEADING, _factor_blocks(b)))
    sections.append(("Removals", [
        f"In-boundary removals R = {_t(b.R)} CO2e, reported separately from emissions and not netted inside the "
        "scopes above."
    ]))

    red = b.reduction
    if red is None:
        red_blocks: list[_Block] = ["No reduction evidence was given."]
    else:
        rows: list[tuple[str, ...]] = [("Period number", str(red.period_index)), ("Compared with", red.reference_label)]
        if red.reference_emissions is not None:
            rows.append((f"Emissions in the {red.reference_label}", _t(red.reference_emissions)))
            rows.append(("Emissions in this period (E)", _t(b.E)))
        if red.intensity is not None and red.reference_intensity is not None:
            unit = f" {red.intensity_unit}" if red.intensity_unit else ""
            rows.append(("Intensity now / before", f"{red.intensity:g}{unit} / {red.reference_intensity:g}{unit}"))
        if red.base_emissions is not None:
            rows.append((f"Base-year emissions{f' ({red.base_year})' if red.base_year else ''}",
                         _t(red.base_emissions)))
        red_blocks = [_table(("Item", "Value"), tuple(rows))]
        if red.actions:
            red_blocks.append("Reduction actions: " + "; ".join(red.actions) + ".")
    sections.append(("Reduction evidence", red_blocks))

    credit_blocks = _credit_blocks(b, max_blocks)
    sections.append(("Credits retired for this claim", credit_blocks))

    out = b.outcome(result.standard)
    statement: list[_Block] = [statement_text]
    if nz:
        statement.append(
            f"For the net-zero claim only removal credits count: {tonnes(b.removal_credits)} t of eligible removal "
            f"credits against a residual of {_t(b.residual)}; avoidance credits, whatever their quantity, do not "
            "balance it."
        )
    statement.append(_table(("Term", "t CO2e"), (
        ("E (emissions, incl. reversals)", tonnes(b.E)),
        ("R (in-boundary removals)", tonnes(b.R)),
        ("Residual E − R", tonnes(b.residual)),
        ("C (eligible retired credits)", tonnes(b.C)),
        *((("Eligible removal credits (the only ones counted for net zero)", tonnes(b.removal_credits)),)
          if nz else ()),
        ("Shortfall", tonnes(out["shortfall_t"])),
        ("Surplus (not transferable)", tonnes(out["surplus_t"])),
    )))
    sections.append(("Balance statement", statement))

    sections.append(("Checks", [
        _table(("Result", "Rule", "Requirement and source", "Reason"),
               tuple((c.status.value.upper(), c.rule, c.description, c.reason) for c in result.checks)),
        _EVIDENCE_NOTE,
    ]))
    sections.append(("Warning: credits do not reduce the footprint", [CREDITS_WARNING]))
    return title, summary, sections


_MD_LEADING = re.compile(r"^([-+=~]|\d+(?=[.)]))")


def _md_text(text: str) -> str:
    """Escape text for a Markdown paragraph: one line (no headings, lists or rules from user text), no raw HTML."""
    escaped = markdown_escape(text)
    # a paragraph starting "- ", "+ ", "1. ", "---" or "===" would become a list, a rule or a heading
    return _MD_LEADING.sub(lambda m: m[0] + "\\" if m[0][0].isdigit() else "\\" + m[0], escaped)


def _markdown(title: str, summary: str, sections: Sequence[tuple[str, list[_Block]]]) -> str:
    out = [f"# {_md_text(title)}", "", _md_text(summary), ""]
    for heading, blocks in sections:
        out += [f"## {heading}", ""]
        for block in blocks:
            out.append(block.to_markdown(max_rows=None) if isinstance(block, Table) else _md_text(block))
            out.append("")
    return "\n".join(out)


def _html(title: str, summary: str, sections: Sequence[tuple[str, list[_Block]]]) -> str:
    e = html.escape
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{e(title)}</title>",
        "<style>body{font-family:sans-serif;max-width:72em;margin:auto}table{border-collapse:collapse}"
        "td,th{border:1px solid #999;padding:.25em .5em;vertical-align:top}"
        ".warning{border:2px solid #b00;padding:.5em}</style>",
        "</head><body>",
        f"<h1>{e(title)}</h1>",
        f"<p>{e(summary)}</p>",
    ]
    for heading, blocks in sections:
        section_class = ' class="warning"' if heading.startswith("Warning") else ""
        out.append(f"<section{section_class}><h2>{e(heading)}</h2>")
        out += [block.to_html(max_rows=None) if isinstance(block, Table) else f"<p>{e(block)}</p>" for block in blocks]
        out.append("</section>")
    out.append("</body></html>")
    return "\n".join(out)


def _json(balance: BalanceEquation, result: ClaimResult) -> str:
    records: dict[str, list[str]] = {}

    def one_per_line(lines: list[str]) -> str:
        # written apart, one record per line: json's indenting encoder is pure Python, about 10x slower
        token = f"records-{uuid.uuid4().hex}-{len(records)}"
        records[token] = lines
        return token

    data_balance = balance.to_dict(result.standard, credits=False)
    counted = balance.assessment.counted
    data_balance["credits"] = one_per_line([
        f"{line[:-1]}, \"eligible\": {'true' if counted(i) else 'false'}}}"
        for i, line in enumerate(RETIREMENT_RECORD.encode_many(balance.credits))
    ])
    checks = [c.to_dict() for c in result.checks]
    for check in checks:
        check["credits"] = one_per_line(json_texts(check["credits"]))  # type: ignore[arg-type]  # a list of str
    data: dict[str, object] = {
        "report": "neutralcore claim report",
        "report_version": 1,
        "standard": result.standard,
        "ok": result.ok,
        "balance": data_balance,
        "statement": balance.statement(result.standard),
        "checks": checks,
        "credits_warning": CREDITS_WARNING,
        "evidence_note": _EVIDENCE_NOTE,
    }
    text = json.dumps(data, indent=2, ensure_ascii=False)
    tokens = re.compile('"(' + "|".join(map(re.escape, records)) + ')"')

    def expand(m: re.Match[str]) -> str:
        lines = records[m[1]]
        if not lines:
            return "[]"
        line = text[text.rindex("\n", 0, m.start()) + 1:m.start()]
        pad = " " * (len(line) - len(line.lstrip(" ")))
        return "[\n" + ",\n".join(f"{pad}  {item}" for item in lines) + f"\n{pad}]"

    return tokens.sub(expand, text)


def render(
    balance: BalanceEquation,
    format: str = "markdown",
    *,
    standard: str = "ISO 14068-1",
    policy: ClaimPolicy | None = None,
    as_of: _dt.date | str | None = None,
    max_blocks: int | None = MAX_LISTED_BLOCKS,
) -> str:
    """Render the claim report for *balance*.

    The Markdown and HTML reports list every credit block, one per row, up to
    *max_blocks* blocks of each credit type; a longer listing is preceded by a
    summary by programme, type and vintage (blocks, tonnes retired, tonnes
    counted in C) and says how many blocks, and how many tonnes, it leaves
    out, so the figures stay whole.  Blocks not counted in C are named with
    their reasons up to the same number, and then all counted by reason.  The
    JSON report always lists every block, and each check names every block it
    concerns.

    Parameters
    ----------
    balance : Balance
    format : {"markdown", "html", "json"}
        ``"md"`` is accepted for Markdown.
    standard : {"ISO 14068-1", "net-zero"}
        The claim checked (see :func:`~neutralcore.claim.check_claim`).
    policy : ClaimPolicy, optional
        Overrides ``balance.policy`` for the checks and for C.
    as_of : datetime.date or ISO string, optional
        Assessment date for the checks (default: today); see :func:`~neutralcore.claim.check_claim`.
    max_blocks : int or None
        How many blocks of each credit type the Markdown and HTML reports list one by one
        (default :data:`MAX_LISTED_BLOCKS`, 1,000); ``None`` lists them all.

    Returns
    -------
    str

    Raises
    ------
    ClaimError
        When the format or standard is unknown, or *max_blocks* is not a whole number >= 0 or ``None``.

    Examples
    --------
    >>> from neutralcore.claim import Balance
    >>> from neutralcore.offsets import Period
    >>> b = Balance(subject="Acme Ltd", subject_type="organisation", period=Period.year(2024), emissions=100.0,
    ...             by_scope={1: 100.0}, gwp_set="AR6 GWP100", scope2_basis="location")
    >>> lines = render(b, as_of="2025-06-30").splitlines()
    >>> lines[0]
    '# Carbon-neutrality report: Acme Ltd, 2024-01-01 to 2024-12-31'
    >>> [line for line in lines if line.startswith("| Shortfall")]
    ['| Shortfall | 100 |']
    """
    fmt = str(format).strip().lower()
    fmt = {"md": "markdown", "htm": "html"}.get(fmt, fmt)
    if fmt not in REPORT_FORMATS:
        raise ClaimError(f"unknown report format {format!r}; use one of {', '.join(REPORT_FORMATS)}", format=format)
    if not isinstance(balance, BalanceEquation):
        raise ClaimError(f"render needs a Balance, got {type(balance).__name__}")
    if max_blocks is not None and (isinstance(max_blocks, bool) or not isinstance(max_blocks, int) or max_blocks < 0):
        raise ClaimError(f"max_blocks must be a whole number >= 0 or None, got {max_blocks!r}",
                         max_blocks=repr(max_blocks))
    if policy is not None:
        balance = attrs.evolve(balance, policy=policy)
    result = check_claim(balance, standard=standard, as_of=as_of)
    with no_collection():
        if fmt == "json":
            return _json(balance, result)
        title, summary, sections = _build(balance, result, max_blocks)
        return _markdown(title, summary, sections) if fmt == "markdown" else _html(title, summary, sections)
