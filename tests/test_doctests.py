"""Every docstring example in the package runs and prints what it shows.

Runs :mod:`doctest` over the modules of the *imported* ``neutralcore`` (the
installed copy under CI, the source tree otherwise), so examples are checked
against the code users get.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import warnings

import pytest

import neutralcore

#: modules whose import alone warns on purpose (deprecated aliases)
_SKIP = {"neutralcore.ledger", "neutralcore.__main__"}

MODULES = sorted(
    info.name for info in pkgutil.walk_packages(neutralcore.__path__, "neutralcore.") if info.name not in _SKIP
)


def test_modules_found():
    """The walk sees the step packages (guards against a silently empty parametrisation)."""
    assert {"neutralcore.measure.kernel", "neutralcore.claim", "neutralcore.offsets"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name, tmp_path, monkeypatch):
    """The examples in *name*'s docstrings pass (run in a temporary directory)."""
    monkeypatch.chdir(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    report: list[str] = []
    for test in finder.find(module, name):
        if test.examples:
            test.globs.setdefault("nc", neutralcore)
            runner.run(test, out=report.append)
    assert runner.failures == 0, "".join(report)
