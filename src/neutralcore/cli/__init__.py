"""The ``neutralcore`` command: the whole flow, measure → reduce → offset → claim.

``neutralcore report INVENTORY [--scope2 location|market --instruments FILE] [--by scope,site]``
    totals per year (never different years added together), the breakdown,
    the scope 2 basis, every factor fallback and the sources.  Reads CSV,
    Parquet and Excel by the file's extension.
``neutralcore scenario SCENARIO.toml [--plot out.png]``
    the trajectory of a scenario and its gap to the target.
``neutralcore mac SCENARIO.toml [--plot out.png]``
    the marginal abatement cost curve of the scenario's levers.
``neutralcore ledger add|retire|list|verify LEDGER …``
    the credit ledger: add blocks (serials from the command line or a file),
    retire them, list holdings or retirements, verify the file.
``neutralcore claim CLAIM.toml``
    the neutrality balance, its checks, and the report written to a file.
``neutralcore packs``, ``neutralcore factors NAMES``, ``neutralcore pack check DIR``
    the installed factor packs, their factors with sources, and a pack's checks.

Every subcommand takes ``--format text|markdown|html|json|csv`` and
``-o FILE`` (the format then defaults to the file's extension); the TOML
formats are described in ``docs/cli.md``.

Any :class:`~neutralcore.NeutralcoreError` ends the command with exit status
2 and a one-line message naming the error.  A plugin that raises anything while
it is imported (even ``SystemExit`` or ``KeyboardInterrupt``) is reported as
broken; Ctrl-C stops the command with exit status 130 and no traceback.
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from neutralcore.cli import claim as _claim_cmd
from neutralcore.cli import ledger as _ledger_cmd
from neutralcore.cli import measure as _measure_cmd
from neutralcore.cli import reduce as _reduce_cmd
from neutralcore.cli.measure import DEFAULT_PACKS
from neutralcore.cli.output import FORMATS
from neutralcore.errors import NeutralcoreError

__all__ = ["main", "build_parser", "DEFAULT_PACKS"]


def _version() -> str:
    import neutralcore

    return f"neutralcore {neutralcore.__version__}"


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``neutralcore`` command."""
    parser = argparse.ArgumentParser(prog="neutralcore", description="Carbon accounting: measure, reduce, offset, claim.")
    parser.add_argument("--version", action="version", version=_version())
    common = argparse.ArgumentParser(add_help=False)
    out = common.add_argument_group("output")
    out.add_argument("--format", choices=FORMATS, default=None,
                     help="output format (default: text, or the extension of -o FILE)")
    out.add_argument("-o", "--output", metavar="FILE", default=None, help="write the output to FILE instead of printing it")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (_measure_cmd, _reduce_cmd, _ledger_cmd, _claim_cmd):
        module.add_parsers(sub, [common])
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
