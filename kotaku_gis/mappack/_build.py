"""Building a map pack: the units in parallel (local processes or a Dask cluster), with progress,
then assembled and published (:mod:`kotaku_gis.mappack._publish`)."""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
import time
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from kotaku_gis import settings
from kotaku_gis.errors import KotakuError, UsageError
from kotaku_gis.mappack import _fs as fs
from kotaku_gis.mappack import _unit as unitmod
from kotaku_gis.mappack._common import PACK_NAME, WORK_DIR
from kotaku_gis.mappack._common import tp as _tp
from kotaku_gis.mappack._plan import Plan, Unit, plan, settings_snapshot
from kotaku_gis.mappack._publish import assemble, collect_garbage, missing, read_manifest
from kotaku_gis.mappack._recipe import PackRecipe
from kotaku_gis.mappack._unit import RECORD, Task

#: How worker processes start: ``fork`` on Linux (fast, and a calling script needs no ``if __name__ ==
#: "__main__"`` guard; each worker still opens its own store connection), ``spawn`` elsewhere.
_START_METHOD = "fork" if sys.platform.startswith("linux") else "spawn"


# -- result ------------------------------------------------------------------------------------------
@dataclass
class PackResult:
    """What :func:`build_pack` did."""

    plan: Plan
    #: The pack's folder (``<out>/<periode>``) and its index.
    path: Path
    index: Path
    #: Whether this run published a new pack; whether the published pack was already this one.
    published: bool = False
    unchanged: bool = False
    built: list[str] = field(default_factory=list)
    #: Units taken as built: unchanged since an earlier run, or built by an interrupted run.
    skipped: list[str] = field(default_factory=list)
    resumed: list[str] = field(default_factory=list)
    #: Units that failed, with the reason.
    failed: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed and (self.published or self.unchanged)

    def summary(self, lang: str | None = None) -> str:
        """The end-of-run summary, in words."""
        lang = lang or self.plan.lang
        p = self.plan
        names = {u.kode: u for u in p.units}
        lines = [
            _tp(
                "ringkasan.kepala", lang, periode=p.periode, baseline=p.baseline, units=len(p.units),
                built=len(self.built), skipped=len(self.skipped), resumed=len(self.resumed), failed=len(self.failed),
            )
        ]  # fmt: skip
        for _tingkat, kode, nama, reason in p.left_out:
            lines.append("  " + _tp("ringkasan.tidak_dipetakan", lang, kode=kode or "-", nama=nama, alasan=reason))
        for kode, reason in self.failed.items():
            u = names.get(kode)
            lines.append("  " + _tp("ringkasan.gagal", lang, kode=kode or "-", nama=u.nama if u else kode, alasan=reason))
        if self.unchanged:
            lines.append(_tp("ringkasan.tidak_berubah", lang, path=self.index))
        elif self.published:
            lines.append(_tp("ringkasan.terbit", lang, path=self.index, seconds=_seconds(self.seconds, lang)))
        else:
            lines.append(_tp("ringkasan.tidak_terbit", lang, path=self.path))
        return "\n".join(lines)


def _seconds(value: float, lang: str) -> str:
    if value >= 90:
        m, s = divmod(round(value), 60)
        return _tp("waktu.menit", lang, m=m, s=s)
    text = f"{value:.1f}"
    return _tp("waktu.detik", lang, s=text.replace(".", ",") if lang == "id" else text)


# -- progress ----------------------------------------------------------------------------------------
class _Progress:
    """A progress bar with the time remaining on a terminal; plain lines otherwise."""

    def __init__(self, total: int, stream: TextIO | None, lang: str):
        self.total = total
        self.stream = stream
        self.lang = lang
        self.done = 0
        self.t0 = time.monotonic()
        self.tty = bool(stream is not None and hasattr(stream, "isatty") and stream.isatty())

    def line(self, text: str) -> None:
        if self.stream is None:
            return
        if self.tty:
            self.stream.write("\r\x1b[K")
        self.stream.write(text + "\n")
        self.stream.flush()

    def step(self, unit: Unit, status: str, seconds: float | None) -> None:
        self.done += 1
        if self.stream is None:
            return
        elapsed = time.monotonic() - self.t0
        remaining = elapsed / self.done * (self.total - self.done)
        eta = _seconds(remaining, self.lang)
        label = f"{unit.kode or unit.nama} {unit.nama}" if unit.kode else unit.nama
        took = f" ({_seconds(seconds, self.lang)})" if seconds is not None else ""
        state = _tp(f"status.{status}", self.lang)
        if self.tty:
            width = 24
            full = int(width * self.done / max(self.total, 1))
            bar = "█" * full + "░" * (width - full)
            pct = 100 * self.done // max(self.total, 1)
            text = f"\r\x1b[K{bar} {self.done}/{self.total} {pct:3d} % · {state} {label}{took} · " + _tp(
                "sisa", self.lang, eta=eta
            )
            self.stream.write(text + ("\n" if self.done == self.total else ""))
        else:
            self.stream.write(f"[{self.done}/{self.total}] {state}: {label}{took}; " + _tp("sisa", self.lang, eta=eta) + "\n")
        self.stream.flush()


# -- building ----------------------------------------------------------------------------------------
def build_pack(
    store: Any,
    out: str | Path,
    periode: str,
    *,
    baseline: str | None = None,
    tingkat: str | None = None,
    kode: str | None = None,
    workers: int | None = None,
    recipe: PackRecipe | str | Path | None = None,
    lang: str | None = None,
    sumber: Sequence[str] = (),
    paksa: bool = False,
    progress: bool | TextIO = True,
    client: Any = None,
) -> PackResult:
    """Build (or bring up to date) the map pack of a period in ``<out>/<periode>``.

    Parameters
    ----------
    store : Store
        The store (workers open their own connection to ``store.url``).
    out : str or Path
        Folder of the packs (one subfolder per period, and the work area ``.kotaku_mappack``).
    periode, baseline, tingkat, kode, recipe, lang, sumber
        As :func:`plan`.
    workers : int, optional
        Processes building units in parallel; default ``settings.mappack_workers`` (None: the
        number of CPUs). 1 builds in this process.
    paksa : bool
        Build every unit again, even those already built (when the work area is not trusted, say:
        any change of data, software, recipe or settings already rebuilds what it affects).
    progress : bool or file
        Progress and phase lines: True for stderr, False for none, or a stream.
    client : dask.distributed.Client or str, optional
        Build the units on a Dask cluster (a client, or the scheduler's address such as
        ``"tcp://10.0.0.5:8786"``) instead of local processes (``workers`` is then ignored); see
        :mod:`kotaku_gis.mappack._dask` (the work area and a GeoPackage store must be on a file
        system the workers share). Needs ``pip install kotaku-gis[dask]``. The pack is the same as
        a local build's, file for file.

    Returns
    -------
    PackResult
        ``published``/``unchanged``, the units built, skipped and failed; ``summary()`` in words.

    Raises
    ------
    UsageError
        Bad arguments; another run is working on ``out``.
    DataError
        ``periode`` or ``baseline`` not stored.
    KeyboardInterrupt
        Ctrl-C: the workers are stopped, the previous pack is untouched, built units are kept.
    """
    t0 = time.monotonic()
    out = Path(out)
    stream: TextIO | None = sys.stderr if progress is True else (None if progress is False else progress)
    work = out / WORK_DIR
    lock = fs.Lock(work / "kunci")
    if not lock.acquire():
        raise UsageError(_tp("error.sibuk", lang, path=out))
    with lock:
        p = plan(store, periode, baseline=baseline, tingkat=tingkat, kode=kode, recipe=recipe, lang=lang, sumber=sumber)
        result, published = _open_target(p, out, paksa)
        if not result.unchanged:
            _build_and_publish(result, published, store, workers=workers, client=client, stream=stream)
        result.seconds = time.monotonic() - t0
        return result


def _trash(out: Path, periode: str) -> Path:
    """Where the previous pack of ``periode`` goes while the new one is switched in."""
    return out / WORK_DIR / f"lama-{periode}"


def _open_target(p: Plan, out: Path, paksa: bool) -> tuple[PackResult, dict[str, Any] | None]:
    """The result of this run so far and the published pack's manifest: the target recovered from an
    interrupted switch, refused when it is a folder of the user's, and found unchanged when the
    published pack is already this plan's."""
    target = out / p.periode
    work = out / WORK_DIR
    fs.recover(target, _trash(out, p.periode))
    result = PackResult(plan=p, path=target, index=target / "index.html")
    published = read_manifest(target)
    if target.exists() and (not target.is_dir() or (any(target.iterdir()) and (published or {}).get("paket") != PACK_NAME)):
        raise UsageError(_tp("error.bukan_paket", p.lang, path=target))  # never replace a folder of the user's
    if paksa:
        for u in p.units:
            fs.remove_tree(work / "unit" / u.fingerprint)
    elif published is not None and published.get("sidik_jari_paket") == p.fingerprint and not missing(target, published):
        result.unchanged = True
        result.skipped = [u.kode for u in p.units]
    return result, published


def _build_and_publish(
    result: PackResult, published: dict[str, Any] | None, store: Any, *, workers: int | None, client: Any,
    stream: TextIO | None,
) -> None:  # fmt: skip
    """Build the units not built yet, then assemble and publish the pack (nothing when a unit fails)."""
    p = result.plan
    out = result.path.parent
    work = out / WORK_DIR
    if not p.units:
        raise UsageError(_tp("error.tanpa_unit", p.lang, kode=p.kode or "Indonesia"))
    _clean_work(work, p)
    records, todo = _built_before(p, work, published, result)
    bar = _Progress(len(todo), stream, p.lang)
    built, failed, executor = _execute(p, todo, work, store, workers=workers, client=client, bar=bar)
    records.update(built)
    result.built = [u.kode for u in todo if u.kode in built]
    result.failed = failed
    if failed:
        return
    bar.line(_tp("menyusun", p.lang, path=result.path))
    assemble(p, records, work, result.path, _trash(out, p.periode), executor)
    result.published = True
    collect_garbage(out, work, p.periode)


def _clean_work(work: Path, p: Plan) -> None:
    """Remove what an interrupted run left half-done, and write the shared assets the maps link."""
    from kotaku_gis.maps import write_assets

    fs.remove_tree(work / "tmp")
    for old in work.glob("staging-*"):
        fs.remove_tree(old)
    write_assets(work / p.recipe.folder_aset)  # the maps built in work/tmp/<unit>/ link ../../<aset>


def _built_before(
    p: Plan, work: Path, published: dict[str, Any] | None, result: PackResult
) -> tuple[dict[str, dict[str, Any]], list[Unit]]:
    """The records of the units already in the work area (noted in ``result`` as skipped: in the
    published pack, or resumed: built by an interrupted run) and the units still to build."""
    before = {u["sidik_jari"] for u in (published or {}).get("unit", [])}
    todo: list[Unit] = []
    records: dict[str, dict[str, Any]] = {}
    for u in p.units:
        rec_path = work / "unit" / u.fingerprint / RECORD
        if rec_path.is_file():
            records[u.kode] = json.loads(rec_path.read_text(encoding="utf-8"))
            (result.skipped if u.fingerprint in before else result.resumed).append(u.kode)
        else:
            todo.append(u)
    return records, todo


def _execute(
    p: Plan, todo: list[Unit], work: Path, store: Any, *, workers: int | None, client: Any, bar: _Progress
) -> tuple[dict[str, dict[str, Any]], dict[str, str], dict[str, Any]]:
    """Build ``todo``: the records built, the units failed with the reason, and the executor (for the manifest)."""
    tasks = [_task(p, u, work) for u in todo]
    by_kode = {u.kode: u for u in todo}
    if client is not None and todo:
        return _run_dask(client, tasks, by_kode, store, bar, p)
    n = _workers(workers, len(todo))
    if todo:
        bar.line(_tp("mulai", p.lang, units=len(todo), total=len(p.units), workers=n, periode=p.periode))
    built, failed = _run(tasks, by_kode, store, n, bar)
    return built, failed, {"jenis": "proses", "pekerja": n}


def _workers(workers: int | None, todo: int) -> int:
    n = workers if workers is not None else getattr(settings, "mappack_workers", None)
    if n is None:
        n = os.cpu_count() or 1
    if n < 1:
        raise UsageError(_tp("error.workers", n=n))
    return max(1, min(int(n), todo or 1))


def _task(p: Plan, u: Unit, work: Path) -> Task:
    spec = p.recipe.tingkat[u.tingkat]  # type: ignore[index]
    return Task(
        tingkat=u.tingkat, kode=u.kode, nama=u.nama, child=u.child, fingerprint=u.fingerprint, inputs=dict(u.inputs),
        periode=p.periode, baseline=p.baseline, produk=tuple(spec.produk),
        tabel=tuple(p.recipe.tabel), progres_sampai=spec.progres_sampai, folder_aset=p.recipe.folder_aset,
        png_dpi=p.recipe.png.dpi, lang=p.lang, sumber=p.sumber, work=str(work.absolute()),
    )  # fmt: skip


def _reason(exc: BaseException) -> str:
    if isinstance(exc, KotakuError):
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return f"{type(exc).__name__}: {exc}"


def _run(
    tasks: list[Task], units: dict[str, Unit], store: Any, workers: int, bar: _Progress
) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    built: dict[str, dict[str, Any]] = {}
    failed: dict[str, str] = {}
    if not tasks:
        return built, failed
    if workers <= 1:
        unitmod.use_store(store)
        try:
            for t in tasks:
                t1 = time.monotonic()
                try:
                    built[t.kode] = unitmod.build_unit(t)
                    bar.step(units[t.kode], "dibuat", time.monotonic() - t1)
                except Exception as exc:  # noqa: BLE001 - one unit failing never stops the others
                    failed[t.kode] = _reason(exc)
                    bar.step(units[t.kode], "gagal", time.monotonic() - t1)
        finally:
            unitmod.reset()
        return built, failed
    ctx = multiprocessing.get_context(_START_METHOD)
    executor = ProcessPoolExecutor(
        max_workers=workers, mp_context=ctx, initializer=unitmod.init_worker,
        initargs=(store.url, settings_snapshot()),
    )  # fmt: skip
    try:
        futures = {executor.submit(unitmod.safe_build_unit, t): t for t in tasks}
        pending = set(futures)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for f in done:
                t = futures[f]
                try:
                    status, value, seconds = f.result()
                except Exception as exc:  # noqa: BLE001 - a worker died (killed, out of memory)
                    status, value, seconds = "gagal", _tp("error.pekerja", None, reason=_reason(exc)), None
                if status == "ok":
                    built[t.kode] = value
                    bar.step(units[t.kode], "dibuat", seconds)
                else:
                    failed[t.kode] = value
                    bar.step(units[t.kode], "gagal", seconds)
    except BaseException:
        for proc in list(getattr(executor, "_processes", {}).values()):
            proc.terminate()
        executor.shutdown(wait=False, cancel_futures=True)
        raise
    executor.shutdown(wait=True)
    return built, failed


def _run_dask(
    client: Any, tasks: list[Task], units: dict[str, Unit], store: Any, bar: _Progress, p: Plan
) -> tuple[dict[str, dict[str, Any]], dict[str, str], dict[str, Any]]:
    """:func:`_run` on a Dask cluster (:mod:`kotaku_gis.mappack._dask`); also the executor for the
    manifest."""
    from kotaku_gis.mappack import _dask as cluster

    client, opened = cluster.connect(client)
    built: dict[str, dict[str, Any]] = {}
    failed: dict[str, str] = {}

    def done(t: Task, outcome: tuple[str, Any, float | None]) -> None:
        status, value, seconds = outcome
        (built if status == "ok" else failed)[t.kode] = value
        bar.step(units[t.kode], "dibuat" if status == "ok" else "gagal", seconds)

    try:
        n = cluster.n_workers(client)
        where = cluster.address(client)
        bar.line(_tp("mulai_dask", p.lang, units=len(tasks), total=len(p.units), periode=p.periode, address=where, workers=n))
        cluster.run(client, tasks, store.url, settings_snapshot(), done)
    finally:
        if opened:
            client.close()
    return built, failed, {"jenis": "dask", "penjadwal": where, "pekerja": n}
