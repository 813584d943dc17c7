"""Wall seconds of :class:`~neutralcore.offsets.OffsetLedger` operations beside a plain ``sqlite3`` ledger.

Run:  python benchmarks/bench_ledger.py [--sizes 10000,100000,1000000] [--retire 10000] [--rounds 2]

For each ledger size N: add N blocks in one call, add 200 more one call each,
retire ``--retire`` sub-ranges one call each (each splits a held block in
three), refuse 1,000 overlapping additions, then re-open the file (opening
verifies it in full), re-open it checking only the last event, and re-open it verifying what changed since a
checkpoint written after the bulk add (neutralcore only: the baseline has no checkpoints).  Both ledgers run in the same process, interleaved
operation by operation (the order alternating), on fresh files each round;
the figure is the best round.  Every transaction commits with
``synchronous=FULL``, so on a machine with slow ``fsync`` the per-operation
times of adding and retiring are mostly the disk's.

The baseline is what a SQLite user would write for the same guarantees: one
``BEGIN IMMEDIATE`` transaction per operation, ``synchronous=FULL`` and the
default rollback journal, a unique index on (registry key, serial start) with a
neighbour query for overlap, a JSON record per block with its SHA-256, an
append-only event log whose every event hashes the previous one and the
state (sum of the row hashes), and on open ``PRAGMA integrity_check``, the
whole chain, every row hash and an overlap query.  It takes plain tuples;
neutralcore takes :class:`~neutralcore.offsets.Offset` values built before
the clock starts.  Blocks are synthetic (serials of 100 credits in 50
projects); this measures speed, not accounting.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

from neutralcore.errors import DuplicateSerialError
from neutralcore.offsets import Offset, OffsetLedger, Period

PROJECTS = 50
SIZE = 100
Y2024 = Period.year(2024)


def _spec(i: int) -> tuple[str, int, int]:
    """The i-th block: project, first and last serial."""
    return str(1000 + i % PROJECTS), (i // PROJECTS) * SIZE * 2, (i // PROJECTS) * SIZE * 2 + SIZE - 1


def _offsets(specs: list[tuple[str, int, int]]) -> list[Offset]:
    vintage = Period.year(2023)
    return [Offset(programme="Verra VCS", project_id=p, country="US", kind="avoidance", vintage=vintage,
                   serial_start=a, serial_end=b, issuance_date="2024-03-01", methodology="VM0007") for p, a, b in specs]


# -- the baseline ----------------------------------------------------------------------------

_SCHEMA = """
CREATE TABLE blocks (id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL, start INTEGER NOT NULL,
    end INTEGER NOT NULL, status TEXT NOT NULL, subject TEXT, period TEXT, retired_on TEXT, data TEXT NOT NULL,
    row_hash TEXT NOT NULL);
CREATE UNIQUE INDEX blocks_by_range ON blocks (key, start);
CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, op TEXT NOT NULL, payload TEXT NOT NULL,
    state TEXT NOT NULL, prev TEXT NOT NULL, hash TEXT NOT NULL);
"""
_M = 2**256


class Baseline:
    """A plain sqlite3 credit ledger with the same guarantees (see the module docstring)."""

    def __init__(self, path: str, create: bool = False, verify: bool = True) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None, timeout=30)
        self.conn.execute("PRAGMA synchronous=FULL")
        if create:
            self.conn.executescript(_SCHEMA)
            self.conn.execute("BEGIN IMMEDIATE")
            self._event("create", "{}", 0, (0, "0" * 64))
            self.conn.execute("COMMIT")
        if verify:
            self.verify()
        else:
            self._head()

    @staticmethod
    def _hash(values: tuple[Any, ...]) -> str:
        return hashlib.sha256("\x1f".join(map(str, values)).encode()).hexdigest()

    def _event(self, op: str, payload: str, state: int, head: tuple[int, str]) -> None:
        s = f"{state:064x}"
        h = self._hash((head[0] + 1, op, payload, s, head[1]))
        self.conn.execute("INSERT INTO events VALUES (?,?,?,?,?,?)", (head[0] + 1, op, payload, s, head[1], h))

    def _head(self) -> tuple[tuple[int, str], int]:
        eid, op, payload, s, prev, h = self.conn.execute(
            "SELECT * FROM events WHERE id=(SELECT seq FROM sqlite_sequence WHERE name='events')").fetchone()
        if self._hash((eid, op, payload, s, prev)) != h:
            raise ValueError("head event damaged")
        return (eid, h), int(s, 16)

    def _insert(self, rid: int, key: str, a: int, b: int, status: str, subject: str | None, data: str) -> int:
        values = (rid, key, a, b, status, subject, "2024" if subject else None, "2025-01-01" if subject else None,
                  data)
        h = self._hash(values)
        self.conn.execute("INSERT INTO blocks VALUES (?,?,?,?,?,?,?,?,?,?)", (*values, h))
        return int(h, 16)

    def _next_id(self) -> int:
        row = self.conn.execute("SELECT seq FROM sqlite_sequence WHERE name='blocks'").fetchone()
        return (row[0] if row else 0) + 1

    def _neighbour(self, key: str, at: int) -> tuple[Any, ...] | None:
        row = self.conn.execute("SELECT * FROM blocks WHERE key=? AND start<=? ORDER BY start DESC LIMIT 1",
                                (key, at)).fetchone()
        if row is not None and self._hash(row[:-1]) != row[-1]:
            raise ValueError("block damaged")
        return row

    def add_many(self, blocks: list[tuple[str, int, int, dict[str, Any]]]) -> None:
        ordered = sorted(blocks, key=lambda t: (t[0], t[1]))
        for x, y in zip(ordered, ordered[1:]):
            if x[0] == y[0] and y[1] <= x[2]:
                raise DuplicateSerialError("overlap in the same call")
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            head, state = self._head()
            rid = self._next_id()
            datas = []
            for key, a, b, record in blocks:
                near = self._neighbour(key, b)
                if near is not None and near[3] >= a:
                    raise DuplicateSerialError(f"{key} {a}-{b} overlaps block {near[0]}")
                data = json.dumps(record, separators=(",", ":"), sort_keys=True)
                state = (state + self._insert(rid, key, a, b, "held", None, data)) % _M
                datas.append(data)
                rid += 1
            self._event("add", "[" + ",".join(datas) + "]", state, head)
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    def retire(self, key: str, a: int, b: int, subject: str) -> None:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            head, state = self._head()
            near = self._neighbour(key, a)
            if near is None or near[4] != "held" or near[3] < b:
                raise LookupError(f"{key} {a}-{b} is not inside a held block")
            rid = self._next_id()
            self.conn.execute("DELETE FROM blocks WHERE id=?", (near[0],))
            state = (state - int(near[-1], 16)) % _M
            record = json.loads(near[8])
            pieces = [(near[2], a - 1, "held", None), (b + 1, near[3], "held", None), (a, b, "retired", subject)]
            for x, y, status, who in pieces:
                if x <= y:
                    record.update(serial_start=x, serial_end=y, quantity=y - x + 1)
                    data = json.dumps(record, separators=(",", ":"), sort_keys=True)
                    state = (state + self._insert(rid, key, x, y, status, who, data)) % _M
                    rid += 1
            self._event("retire", json.dumps({"block": near[0], "serials": [a, b], "subject": subject}), state, head)
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    def verify(self) -> None:
        self.conn.execute("BEGIN")
        try:
            if self.conn.execute("PRAGMA integrity_check").fetchall() != [("ok",)]:
                raise ValueError("integrity_check failed")
            prev, state = "0" * 64, None
            for eid, op, payload, s, p, h in self.conn.execute("SELECT * FROM events ORDER BY id"):
                if p != prev or self._hash((eid, op, payload, s, p)) != h:
                    raise ValueError(f"event {eid} damaged")
                prev, state = h, s
            total = 0
            for row in self.conn.execute("SELECT * FROM blocks"):
                if self._hash(row[:-1]) != row[-1]:
                    raise ValueError(f"block {row[0]} damaged")
                total += int(row[-1], 16)
            if f"{total % _M:064x}" != state:
                raise ValueError("blocks do not match the log")
            if self.conn.execute("SELECT 1 FROM (SELECT start, LAG(end) OVER (PARTITION BY key ORDER BY start) AS pe "
                                 "FROM blocks) WHERE pe >= start LIMIT 1").fetchone():
                raise ValueError("overlap")
        finally:
            self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()


def _record(p: str, a: int, b: int) -> dict[str, Any]:
    return {"programme": "Verra VCS", "project_id": p, "country": "US", "kind": "avoidance",
            "vintage_start": "2023-01-01", "vintage_end": "2023-12-31", "serial_start": a, "serial_end": b,
            "quantity": b - a + 1, "issuance_date": "2024-03-01", "methodology": "VM0007"}


# -- one run ---------------------------------------------------------------------------------


def _clock(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _refused(add: Callable[[], object]) -> None:
    try:
        add()
    except DuplicateSerialError:
        return
    raise AssertionError("an overlap was accepted")


def _key(p: str) -> str:
    return f'["Verra VCS","","{p}"]'


def _rows(specs: list[tuple[str, int, int]]) -> list[tuple[str, int, int, dict[str, Any]]]:
    return [(_key(p), a, b, _record(p, a, b)) for p, a, b in specs]


def _round(where: Path, n: int, data: tuple[Any, ...], flip: bool) -> dict[tuple[str, str], float]:
    """One round at size *n*: every phase on both ledgers, operation by operation, in alternating order."""
    specs, extra, retire, clash, o_specs, o_extra, o_retire, o_clash = data
    nc_path, base_path = where / "neutralcore.ledger", where / "sqlite3.ledger"
    times: dict[tuple[str, str], float] = {}

    def pair(metric: str, nc: Callable[[], object], base: Callable[[], object], first_nc: bool) -> None:
        for name, fn in ((("neutralcore", nc), ("sqlite3", base)) if first_nc else (("sqlite3", base), ("neutralcore", nc))):
            times[(metric, name)] = times.get((metric, name), 0.0) + _clock(fn)

    led = OffsetLedger(nc_path, create=True)
    base = Baseline(str(base_path), create=True)
    rows = _rows(specs)
    pair("bulk add (per block)", lambda: led.add_many(o_specs), lambda: base.add_many(rows), flip)
    led.verify(checkpoint=True)  # untimed: what "re-open incremental" starts from
    for i, (o, r) in enumerate(zip(o_extra, _rows(extra))):
        pair("add", lambda: led.add(o), lambda: base.add_many([r]), (i % 2 == 0) ^ flip)
    for i, (o, (p, a, b)) in enumerate(zip(o_retire, retire)):
        pair("retire", lambda: led.retire(o, subject="Acme", period=Y2024, retired_on="2025-01-01"),
             lambda: base.retire(_key(p), a, b, "Acme"), (i % 2 == 0) ^ flip)
    for i, (o, r) in enumerate(zip(o_clash, _rows(clash))):
        pair("refuse overlap", lambda: _refused(lambda: led.add(o)), lambda: _refused(lambda: base.add_many([r])),
             (i % 2 == 0) ^ flip)
    held = led.held_quantity()
    led.close()
    base.close()
    opened: list[OffsetLedger] = []
    pair("re-open + verify (total)", lambda: opened.append(OffsetLedger(nc_path)),
         lambda: Baseline(str(base_path)).close(), flip)
    assert opened[0].held_quantity() == held
    opened[0].close()
    pair("re-open, last event only", lambda: OffsetLedger(nc_path, verify=False).close(),
         lambda: Baseline(str(base_path), verify=False).close(), not flip)
    times[("re-open incremental (total)", "neutralcore")] = _clock(
        lambda: OffsetLedger(nc_path, verify="incremental").close())
    nc_path.unlink()
    base_path.unlink()
    counts = {"bulk add (per block)": n, "add": len(extra), "retire": len(retire), "refuse overlap": len(clash),
              "re-open + verify (total)": 1, "re-open, last event only": 1, "re-open incremental (total)": 1}
    return {(metric, name): t / counts[metric] for (metric, name), t in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--retire", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    data = {}
    for n in sizes:
        specs = [_spec(i) for i in range(n)]
        extra = [_spec(i) for i in range(n, n + 200)]
        step = max(1, n // args.retire)
        retire = [(p, a + 10, a + 19) for p, a, _b in specs[::step][: args.retire]]
        clash = [(p, a + 50, b + 50) for p, a, b in specs[1::max(1, n // 1000)][:1000]]
        data[n] = (specs, extra, retire, clash, _offsets(specs), _offsets(extra), _offsets(retire), _offsets(clash))
    best: dict[tuple[int, str, str], float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.rounds):
            for n in sizes:
                for (metric, name), value in _round(Path(tmp), n, data[n], flip=r % 2 == 1).items():
                    best[(n, name, metric)] = min(best.get((n, name, metric), float("inf")), value)
    metrics = ["bulk add (per block)", "add", "retire", "refuse overlap", "re-open + verify (total)",
               "re-open, last event only", "re-open incremental (total)"]
    print(f"best of {args.rounds} rounds; {args.retire} retirements; sqlite {sqlite3.sqlite_version}; "
          f"{dt.datetime.now(dt.timezone.utc):%Y-%m-%d}")
    print(f"{'operation':26} {'blocks':>9} {'neutralcore':>13} {'sqlite3':>13} {'ratio':>7}")
    for metric in metrics:
        for n in sizes:
            a, b = best[(n, "neutralcore", metric)], best.get((n, "sqlite3", metric))
            unit, scale = ("s", 1.0) if "total" in metric else ("us", 1e6)
            if b is None:  # the baseline verifies in full only
                print(f"{metric:26} {n:>9,} {a * scale:>11.3f}{unit:>2} {'-':>13} {'-':>7}")
                continue
            print(f"{metric:26} {n:>9,} {a * scale:>11.1f}{unit:>2} {b * scale:>11.1f}{unit:>2} {a / b:>6.2f}x")


if __name__ == "__main__":
    main()
