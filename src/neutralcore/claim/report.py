"""Render a carbon-neutrality (or net-zero) report from a :class:`~neutralcore.claim.Balance`.

:func:`render` writes Markdown or HTML for people and JSON for machines.  The
report follows the documented information of ISO 14068-1:2023 §11.4, as
summarised by 360impactportfolio.com (a secondary source): subject,
period, boundary, footprint by scope with the GWP set and the Scope 2 basis,
removals, the reduction evidence, each credit block (programme, project,
type, vintage, serials, quantity, retirement date, beneficiary), the balance
statement and every check's result with its source.  A warning paragraph
states plainly that credits do not reduce the footprint.

All user-supplied text is escaped: tables by the one table renderer
(:meth:`neutralcore._core.table.Table.to_markdown` / ``to_html``), paragraphs
here with :func:`html.escape` and :func:`~neutralcore._core.table.markdown_escape`.
"""

from __future__ import annotations

import datetime as _dt
import html
import json
import re
from typing import Sequence, Union

import attrs

from neutralcore._core.table import Table, markdown_escape
from neutralcore.claim.check import check_claim
from neutralcore.claim.equation import BalanceEquation
from neutralcore.claim.policy import ClaimPolicy
from neutralcore.claim.result import ClaimResult
from neutralcore.claim.text import tonnes
from neutralcore.errors import ClaimError
from neutralcore.offsets import CreditKind

__all__ = ["render", "CREDITS_WARNING", "REPORT_FORMATS"]

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


_FIGURE_COLUMNS = ("t CO2e", "Quantity (t)")


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> Table:
    """A report table; the columns of figures are right-aligned."""
    return Table.from_rows(headers, rows, right=[h for h in headers if h in _FIGURE_COLUMNS])


def _build(balance: BalanceEquation, result: ClaimResult) -> tuple[str, str, list[tuple[str, list[_Block]]]]:
    """Return (title, summary, sections) shared by the Markdown and HTML renderers."""
    b = balance
    nz = result.standard == "net-zero"
    title = ("Net-zero claim report" if nz else "Carbon-neutrality report") + f": {b.subject}, {b.period}"
    std_ref = "net zero (SBTi Corporate Net-Zero Standard v1.x reading)" if nz else "ISO 14068-1:2023"
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

    eligible = set(id(r) for r in b.eligible_credits)
    headers = ("Programme", "Project", "Country", "Methodology", "Type", "Vintage", "Serials", "Quantity (t)",
               "Issued", "Verifier", "Retired", "Beneficiary", "Retired for", "Corresponding adjustment",
               "Counted in C")
    credit_blocks: list[_Block] = []
    for kind, label in ((CreditKind.REMOVAL, "Removal credits"), (CreditKind.AVOIDANCE, "Avoidance / reduction credits")):
        group = [r for r in b.credits if r.offset.kind is kind]
        if not group:
            credit_blocks.append(f"{label}: none.")
            continue
        rows = []
        for r in group:
            o = r.offset
            kind_text = o.type_label
            if o.permanence_years or o.buffer_fraction is not None:
                extra = []
                if o.permanence_years:
                    extra.append(f"{o.permanence_years}-year horizon")
                if o.buffer_fraction is not None:
                    extra.append(f"{o.buffer_fraction:.0%} buffer")
                kind_text += " (" + ", ".join(extra) + ")"
            rows.append((
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
                "yes" if id(r) in eligible else "no",
            ))
        subtotal = sum(r.quantity for r in group)
        counted = sum(r.quantity for r in group if id(r) in eligible)
        credit_blocks.append(f"{label}: {subtotal:,} t retired, {counted:,} t counted in C.")
        credit_blocks.append(_table(headers, tuple(rows)))
    for r, reasons in b.excluded_credits:
        credit_blocks.append(f"Not counted: {r.offset.serial}: " + "; ".join(reasons) + ".")
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
    data: dict[str, object] = {
        "report": "neutralcore claim report",
        "report_version": 1,
        "standard": result.standard,
        "ok": result.ok,
        "balance": balance.to_dict(result.standard),
        "statement": balance.statement(result.standard),
        "checks": [c.to_dict() for c in result.checks],
        "credits_warning": CREDITS_WARNING,
        "evidence_note": _EVIDENCE_NOTE,
    }
    return json.dumps(data, indent=2, ensure_ascii=False)


def render(
    balance: BalanceEquation,
    format: str = "markdown",
    *,
    standard: str = "ISO 14068-1",
    policy: ClaimPolicy | None = None,
    as_of: _dt.date | str | None = None,
) -> str:
    """Render the claim report for *balance*.

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

    Returns
    -------
    str

    Raises
    ------
    ClaimError
        When the format or standard is unknown.

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
    if policy is not None:
        balance = attrs.evolve(balance, policy=policy)
    result = check_claim(balance, standard=standard, as_of=as_of)
    if fmt == "json":
        return _json(balance, result)
    title, summary, sections = _build(balance, result)
    return _markdown(title, summary, sections) if fmt == "markdown" else _html(title, summary, sections)
