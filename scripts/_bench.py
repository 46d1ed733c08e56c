"""Helpers shared by the benchmark and data scripts of ``scripts/`` (not part of the package)."""

from __future__ import annotations

import contextlib
import resource
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path


def peak_rss_mb() -> float:
    """Peak resident memory of this process (MB).

    VmHWM on Linux, not ``ru_maxrss``: Linux carries ``ru_maxrss`` over an exec, so a child process
    would report the peak of the parent it was forked from. ``ru_maxrss`` elsewhere.
    """
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


@contextlib.contextmanager
def postgis_database(root: Path) -> Iterator[str | None]:
    """A throw-away PostgreSQL + PostGIS database, started the way ``tests/conftest.py`` starts the
    test suite's server; yields its URL, or None (with a note printed) when no server can be started.
    """
    try:
        sys.path.insert(0, str(root / "tests"))
        import conftest  # the test suite's throw-away server
        import pytest  # conftest reports failures through pytest.fail
    except ImportError as exc:  # pragma: no cover - depends on the machine
        print(f"  PostGIS skipped: cannot import the test server helper ({exc})")
        yield None
        return
    bindir = conftest.find_pg_bindir()
    if bindir is None:
        print("  PostGIS skipped: no PostgreSQL server binaries (run `bash scripts/setup.sh --test`)")
        yield None
        return
    server = conftest.PostgresServer(bindir)
    try:
        try:
            server.start()
        except (pytest.fail.Exception, OSError, subprocess.SubprocessError) as exc:
            print(f"  PostGIS skipped: the server did not start ({exc})")
            yield None
            return
        yield server.url(server.create_database())
    finally:
        server.stop()
