"""Helpers shared by the benchmark and data scripts of ``scripts/`` (not part of the package)."""

from __future__ import annotations

import resource


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
