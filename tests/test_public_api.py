"""The public API is declared once; importing neutralcore loads no plugin."""

from __future__ import annotations

import subprocess
import sys

import neutralcore as nc


def test_all_names_importable():
    for name in nc.__all__:
        assert hasattr(nc, name), name
    assert len(set(nc.__all__)) == len(nc.__all__)


def test_errors_share_one_base_and_module():
    for name in nc.__all__:
        obj = getattr(nc, name)
        if isinstance(obj, type) and issubclass(obj, Exception) and not issubclass(obj, Warning):
            assert issubclass(obj, nc.NeutralcoreError), name
            assert obj.__module__ == "neutralcore"


def test_ledger_errors_say_what_happened_and_are_exported():
    """Each way a ledger operation can be stopped has its own LedgerError, exported from neutralcore."""
    for name in ("LedgerCorruptError", "LedgerNotFoundError", "LedgerLockedError", "LedgerClosedError",
                 "LedgerReadOnlyError", "LedgerDiskFullError", "LedgerFormatError"):
        assert name in nc.__all__, name
        assert issubclass(getattr(nc, name), nc.LedgerError), name
    assert not issubclass(nc.LedgerLockedError, nc.LedgerCorruptError)
    assert not issubclass(nc.LedgerClosedError, nc.LedgerCorruptError)
    assert not issubclass(nc.LedgerFormatError, nc.LedgerCorruptError)  # another version is not damage


def test_import_is_lazy():
    code = (
        "import sys, neutralcore\n"
        "bad = [m for m in sys.modules if m.startswith('neutralcore.plugins') or m == 'pint' or m == 'pandas']\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
