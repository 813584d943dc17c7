"""The Python examples in the user docs run as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
PAGES = ["reduce.md", "offset-and-claim.md"]


@pytest.mark.parametrize("page", PAGES)
def test_doc_examples_run(page, tmp_path, monkeypatch):
    pytest.importorskip("matplotlib") if page == "reduce.md" else None
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.chdir(tmp_path)
    text = (DOCS / page).read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks, f"{page} has no Python examples"
    namespace: dict = {}
    for i, block in enumerate(blocks):
        exec(compile(block, f"{page} example {i + 1}", "exec"), namespace)  # noqa: S102 - our own docs
