"""Shared fixtures: real installed distributions for plugin tests, and the Hypothesis profile."""

from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import settings

settings.register_profile("ci", max_examples=50, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parents[1]


def _write_dist_info(where: Path, dist: str, version: str, groups: dict[str, dict[str, str]]) -> Path:
    """Write ``<dist>-<version>.dist-info`` with METADATA and entry_points.txt (what pip leaves behind)."""
    info = where / f"{dist.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(
        "".join(f"[{g}]\n" + "".join(f"{n} = {v}\n" for n, v in eps.items()) + "\n" for g, eps in groups.items() if eps),
        encoding="utf-8",
    )
    return info


@pytest.fixture(scope="session", autouse=True)
def source_tree_metadata(tmp_path_factory):
    """Make neutralcore's own entry points visible when the tests run from a source tree.

    CI installs the project (``pip install '.[test]'``), so its ``.dist-info``
    already declares the built-in packs.  When running from ``src/`` without
    an install, this writes the same ``.dist-info`` from ``pyproject.toml``'s
    ``[project.entry-points]`` onto the end of ``sys.path`` (an installed copy
    would still win), so the built-ins are found exactly as a third party's
    pack is.  Yields the directory added (or ``None``).
    """
    from importlib_metadata import PackageNotFoundError, distribution

    from neutralcore import registry

    try:
        distribution("neutralcore")
    except PackageNotFoundError:
        pass
    else:
        yield None
        return
    try:
        import tomllib
    except ModuleNotFoundError:  # pragma: no cover
        import tomli as tomllib
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    where = tmp_path_factory.mktemp("source-tree-metadata")
    _write_dist_info(where, project["name"], project["version"], project.get("entry-points", {}))
    sys.path.append(str(where))
    registry.refresh()
    yield where
    sys.path.remove(str(where))
    registry.refresh()


@pytest.fixture
def subprocess_env():
    """Environment for a child Python that sees the same neutralcore and metadata as this process."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    env.pop("PYTHONSTARTUP", None)
    return env


@pytest.fixture
def install_dist(tmp_path, monkeypatch):
    """Write a real installed distribution (modules + ``.dist-info``) onto a temporary ``sys.path`` entry.

    ``install_dist("acme-factors", "1.0", factors={"acme": "acme_pack:pack"},
    modules={"acme_pack": "source"}, files={"acme_pack/data/pack.toml": "..."})``.
    ``modules`` maps a module name to its source (``a.b`` becomes ``a/b/__init__.py``
    when given as ``"a/b/__init__"``); ``files`` writes any other file.  Each call uses
    its own directory, so two distributions can hold a module of the same name.
    """
    from neutralcore import registry

    created: list[str] = []
    count = [0]

    def _install(dist, version="1.0", *, factors=None, levers=None, modules=None, files=None):
        count[0] += 1
        where = tmp_path / f"site{count[0]}"
        where.mkdir()
        for rel, text in (files or {}).items():
            target = where / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(textwrap.dedent(text), encoding="utf-8")
            created.append(rel.split("/")[0].removesuffix(".py"))
        for mod, src in (modules or {}).items():
            target = where / (mod.replace(".", "/") + ".py")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(textwrap.dedent(src), encoding="utf-8")
            created.append(mod.replace("/", ".").removesuffix(".__init__").split(".")[0])
        _write_dist_info(where, dist, version, {"neutralcore.factors": factors or {}, "neutralcore.levers": levers or {}})
        monkeypatch.syspath_prepend(str(where))
        registry.refresh()
        return where

    yield _install
    for mod in list(sys.modules):
        if mod.split(".")[0] in created:
            sys.modules.pop(mod, None)
    registry.refresh()


@pytest.fixture(scope="module")
def retired_ledger():
    """A read-only in-memory ledger (tests must not change it) holding one Verra block of 20,745 VCUs, 8,000 of them retired for Acme Ltd's 2024."""
    from neutralcore.offsets import Offset, OffsetLedger, Period

    led = OffsetLedger(":memory:")
    serial = "9660-115597313-115618057-VCS-VCU-261-VER-US-14-1060-01012019-31122019-0"
    block = led.add(Offset.from_serial(serial, kind="avoidance", issuance_date="2020-06-01"))
    led.retire(block, quantity=8000, subject="Acme Ltd", period=Period.year(2024), retired_on="2025-03-01")
    yield led
    led.close()
