"""Identity coding never crashes the interpreter, whatever another thread does to the list (issue 10, part 1).

Each scenario runs in a subprocess, so a crash (exit -11 / 139) fails the test instead of the run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SRC = str(Path(__file__).resolve().parents[1] / "src")


def run(script: str, timeout: float = 120, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", ""), **env}
    return subprocess.run([sys.executable, "-c", textwrap.dedent(script)], capture_output=True, text=True,
                          timeout=timeout, env=environment)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses glibc's mallopt to unmap freed lists")
def test_a_list_emptied_at_any_point_of_coding_does_not_crash():
    """A profile hook empties the list at the k-th function call made by the identity module, for every k: the
    list's old item array is freed (and, with mallopt's fixed mmap threshold, unmapped) while a chunk is read.
    Reading through the list's own pointer crashed here (exit 139); reading from a tuple of the rows does not."""
    result = run("""
        import ctypes, sys
        ctypes.CDLL(None).mallopt(-3, 540_000)  # M_MMAP_THRESHOLD, fixed: the list's item array is unmapped when freed
        from neutralcore._core.categorical import factorize
        from neutralcore._core.identity import MIN_ROWS, enabled
        assert enabled()
        names = [f"site-{i}" for i in range(40)]
        base = [names[i % 40] for i in range(MIN_ROWS + 5_000)]

        def calls(values, stop_at):
            count = [0]
            def hook(frame, event, arg):
                if frame.f_globals.get("__name__") != "neutralcore._core.identity":
                    return
                count[0] += 1
                if count[0] == stop_at:
                    values.clear()
            sys.setprofile(hook)
            try:
                factorize(values, None)
            finally:
                sys.setprofile(None)
            return count[0]

        total = calls(list(base), -1)
        for k in range(1, total + 1):
            calls(list(base), k)
        cat = factorize(list(base), None)
        assert cat.categories == tuple(names) and cat.codes[:41].tolist() == list(range(40)) + [0]
        print("ok", total)
    """)
    assert result.returncode == 0, (result.returncode, result.stderr[-2000:])
    assert result.stdout.startswith("ok")


def test_a_list_resized_by_another_thread_while_it_is_coded():
    """Stress: one thread empties and refills a 5M-row list (a 40 MB item array, unmapped when freed) as fast as
    it can while the main thread codes it, for about two seconds.  This crashed the old code in about one run of
    six; any result or error is allowed, a crash is not."""
    result = run("""
        import sys, threading, time
        from neutralcore._core.categorical import factorize
        n = 5_000_000
        names = [f"site-{i}" for i in range(50)]
        base = [names[i % 50] for i in range(n)]
        values = list(base)
        stop = threading.Event()
        sys.setswitchinterval(1e-6)

        def resize():
            while not stop.is_set():
                values.clear()
                time.sleep(0)
                values.extend(base)
                time.sleep(0)

        thread = threading.Thread(target=resize)
        thread.start()
        began, coded = time.perf_counter(), 0
        try:
            while time.perf_counter() - began < 2.0:
                try:
                    factorize(values, None)
                except ValueError:
                    pass  # the dict path's count of rows can be stale: an error, not a crash
                coded += 1
        finally:
            stop.set()
            thread.join()
        sys.setswitchinterval(0.005)
        cat = factorize(values, None)
        assert cat.categories == tuple(names) and len(cat) == n
        print("ok", coded)
    """)
    assert result.returncode == 0, (result.returncode, result.stderr[-2000:])
    assert result.stdout.startswith("ok")


def test_the_environment_variable_turns_identity_coding_off():
    """NEUTRALCORE_NO_IDENTITY=1: every column takes the dict path, with the same codes; "0" or "" leaves it on."""
    script = """
        from neutralcore._core.categorical import _FirstSeen, factorize
        from neutralcore._core.identity import MIN_ROWS, enabled, identity_codes
        names = ["a", "b", "c"]
        values = [names[i % 3] for i in range(MIN_ROWS + 1)]
        codes = identity_codes(values, _FirstSeen().__getitem__)
        cat = factorize(values, None)
        assert cat.categories == ("a", "b", "c") and cat.codes[:4].tolist() == [0, 1, 2, 0]
        print(enabled(), codes is not None)
    """
    assert run(script, NEUTRALCORE_NO_IDENTITY="1").stdout.split() == ["False", "False"]
    assert run(script, NEUTRALCORE_NO_IDENTITY="yes").stdout.split() == ["False", "False"]
    if sys.implementation.name == "cpython":
        assert run(script, NEUTRALCORE_NO_IDENTITY="0").stdout.split() == ["True", "True"]
        assert run(script, NEUTRALCORE_NO_IDENTITY="").stdout.split() == ["True", "True"]


def test_the_layout_is_checked_before_any_pointer_is_read(monkeypatch):
    """A tuple whose items are not where they are expected (a wrong item size here) disables identity coding
    without reading memory; the dict path codes the column."""
    import neutralcore._core.identity as identity
    from neutralcore._core.categorical import factorize

    reads = []
    monkeypatch.setattr(identity.ctypes, "memmove", lambda *a: reads.append(a))
    monkeypatch.setattr(identity, "_PTR", 4)
    assert identity._layout_ok() is False and reads == []
    monkeypatch.setattr(identity, "_LAYOUT_OK", False)
    values = ["x", "y"] * identity.MIN_ROWS
    assert identity.identity_codes(values, {}.__getitem__) is None and reads == []
    assert factorize(values, None).categories == ("x", "y")
