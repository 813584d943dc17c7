"""Regression tests of issue 9 (architecture) and issue 10 (reliability) for the readers and writers."""

from __future__ import annotations

import neutralcore as nc
import neutralcore.errors


def test_fallback_warning_is_gone():
    """It was never raised: fallbacks are reported in ``Emissions.matches`` (and are errors under ``strict``)."""
    assert not hasattr(nc, "FallbackWarning")
    assert not hasattr(neutralcore.errors, "FallbackWarning")
    assert "FallbackWarning" not in nc.__all__
