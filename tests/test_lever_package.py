"""``neutralcore.plugins.levers`` is a package with one module per lever; its names and entry points still work."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import neutralcore as nc
import neutralcore.plugins.levers as builtin

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def test_every_name_is_exported_from_the_package():
    for name in builtin.__all__:
        assert getattr(builtin, name) is not None, name
    assert builtin.standard.names == ("rooftop-solar", "efficiency", "fuel-switch", "renewable-contract", "ccs",
                                      "tree-planting")


def test_entry_points_name_the_lever_sets():
    eps = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["entry-points"]["neutralcore.levers"]
    assert len(eps) == 6
    for name, target in eps.items():
        module, attr = target.split(":")
        obj = getattr(importlib.import_module(module), attr)
        assert isinstance(obj, nc.LeverSet) and obj.name == name, (name, target)
        assert nc.registry.load("levers", name) is obj


def test_lever_modules_do_not_shadow_the_entry_point_objects():
    # a submodule named like an entry-point object (``ccs``) would be replaced by it, or replace it
    assert isinstance(builtin.ccs, nc.LeverSet) and isinstance(builtin.efficiency, nc.LeverSet)
    assert builtin.CarbonCapture.__module__ == "neutralcore.plugins.levers.capture"
