"""The Python examples in the user docs run as written."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
PAGES = ["reduce.md", "offset-and-claim.md", "accounting.md", "scale.md"]


@pytest.mark.parametrize("page", PAGES)
def test_doc_examples_run(page, tmp_path, monkeypatch):
    pytest.importorskip("matplotlib") if page == "reduce.md" else None
    pytest.importorskip("dask.dataframe") if page == "scale.md" else None
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.chdir(tmp_path)
    text = (DOCS / page).read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks, f"{page} has no Python examples"
    namespace: dict = {}
    with warnings.catch_warnings():
        if page == "scale.md":  # dask's own read_parquet calls a pandas method deprecated under pandas 4
            warnings.filterwarnings("ignore", "The inplace keyword", Warning)
        for i, block in enumerate(blocks):
            exec(compile(block, f"{page} example {i + 1}", "exec"), namespace)  # noqa: S102 - our own docs
    if page == "reduce.md":
        _check_reduce_figures(text, namespace)


def _check_reduce_figures(text: str, ns: dict) -> None:
    """The figures the page quotes in its comments are the ones the code gives."""
    scenario = ns["scenario"]
    sbti = {r["year"]: r for r in scenario.gap(ns["sbti"]).to_dicts()}[2030]
    assert "2030: scenario 2,773.39 t vs path 2,874.82 t: 101.43 t below" in text
    assert (round(sbti["scenario"], 2), round(sbti["target"], 2), round(-sbti["gap"], 2)) == (2773.39, 2874.82, 101.43)
    national = scenario.gap(ns["national"])
    assert "above the DERIVED path from 2040; 2,144.87 t above net zero in 2050" in text
    assert national.years_above[0] == 2040
    assert round({r["year"]: r for r in national.to_dicts()}[2050]["gap"], 2) == 2144.87
    assert "= 27.57 t CO2/yr" in text
    assert round(scenario.year(2026).removals_t, 2) == 27.57


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    nxt = text.find("\n## ", start + len(heading))
    return text[start: nxt if nxt >= 0 else len(text)]


def test_measure_matching_examples_print_what_they_say(capsys):
    """docs/measure.md, matching section: each example runs and prints the lines its ``# `` comments show."""
    text = _section((DOCS / "measure.md").read_text(encoding="utf-8"), "## Matching factors to rows")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks, "the matching section has no Python examples"
    namespace: dict = {}
    for i, block in enumerate(blocks):
        exec(compile(block, f"measure.md matching example {i + 1}", "exec"), namespace)  # noqa: S102 - our own docs
        shown = [line[2:] for line in block.splitlines() if line.startswith("# ")]
        assert capsys.readouterr().out.splitlines() == shown, f"example {i + 1}"
