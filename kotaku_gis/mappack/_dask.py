"""Building the units of a map pack on a Dask distributed cluster (``build_pack(..., client=...)``,
``kotaku-gis mappack --dask tcp://scheduler:8786``).

Imported only when a cluster is asked for: ``import kotaku_gis`` never imports Dask, which is an
optional extra (``pip install kotaku-gis[dask]``).

Each unit is one Dask task (:func:`build_on_worker`): the worker process opens its own store
connection to the store's URL (once, kept for the following units), takes the settings of the
client, and builds the unit into the pack's work area exactly as a local worker process does
(:func:`kotaku_gis.mappack._unit.build_unit`: a fresh ``tmp/`` folder renamed to
``unit/<fingerprint>`` when complete). The client waits for the records and assembles and publishes
the pack itself, with the same crash safety as a local build. So the work area must be on a file
system every worker sees at the same path (NFS, CephFS...), and so must a GeoPackage store (read
only); a PostGIS store needs only its URL to be reachable from the workers.

A worker builds one unit at a time (a lock: folium and matplotlib are not thread-safe); start
workers with ``--nthreads 1`` and as many processes per machine as it has cores.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kotaku_gis import settings
from kotaku_gis.errors import UsageError
from kotaku_gis.mappack import _unit as unitmod
from kotaku_gis.mappack._common import tp as _tp

_LOCK = threading.Lock()
_URL: list[str] = []  # the URL of the store this worker process has open


def connect(client: Any) -> tuple[Any, bool]:
    """A ``dask.distributed.Client`` for ``client`` (a client, or a scheduler address to connect to);
    the flag says whether it was opened here (and must be closed by the caller)."""
    try:
        from dask.distributed import Client
    except ImportError as exc:
        raise UsageError(_tp("error.dask_tidak_ada")) from exc
    if not isinstance(client, str):
        return client, False
    try:
        return Client(client, timeout=f"{settings.mappack_dask_timeout_s}s"), True
    except (OSError, TimeoutError) as exc:
        raise UsageError(_tp("error.dask_sambung", address=client, reason=str(exc) or type(exc).__name__)) from exc


def address(client: Any) -> str:
    """The scheduler's address (for messages and the manifest)."""
    return str(getattr(getattr(client, "scheduler", None), "address", None) or client)


def n_workers(client: Any) -> int:
    """Worker processes the scheduler knows now (at least one, else a clear error)."""
    n = len(client.scheduler_info().get("workers", {}))
    if n == 0:
        raise UsageError(_tp("error.dask_tanpa_pekerja", address=address(client)))
    return n


def store_url(url: str) -> str:
    """The store's URL as a worker elsewhere must see it (a GeoPackage by its absolute path)."""
    return url if "://" in url else str(Path(url).resolve())


def build_on_worker(task: unitmod.Task, url: str, options: dict[str, Any]) -> tuple[str, Any, float]:
    """One unit on a Dask worker: as :func:`kotaku_gis.mappack._unit.safe_build_unit`, with this
    worker's own store connection (opened on its first unit) and the client's settings."""
    with _LOCK:
        for name, value in options.items():
            setattr(settings, name, value)
        if [url] != _URL:
            from kotaku_gis.store import open_store

            unitmod.use_store(open_store(url))
            _URL[:] = [url]
        return unitmod.safe_build_unit(task)


def run(
    client: Any,
    tasks: list[unitmod.Task],
    url: str,
    options: dict[str, Any],
    done: Callable[[unitmod.Task, tuple[str, Any, float | None]], None],
) -> None:
    """Run ``tasks`` on the cluster; ``done(task, (status, value, seconds))`` as each one ends.

    A task lost with its worker (killed, out of memory) is a failed unit, as in a local pool.
    Interrupted (Ctrl-C), the tasks not yet finished are cancelled.
    """
    from dask.distributed import as_completed

    url = store_url(url)
    futures = {client.submit(build_on_worker, t, url, options, pure=False): t for t in tasks}
    try:
        for f in as_completed(list(futures)):
            t = futures[f]
            try:
                outcome = f.result()
            except Exception as exc:  # noqa: BLE001 - the worker died or the task could not run
                outcome = ("gagal", _tp("error.pekerja", reason=f"{type(exc).__name__}: {exc}"), None)
            done(t, outcome)
    except BaseException:
        client.cancel(list(futures))
        raise
