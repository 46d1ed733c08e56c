"""Benchmark: the national quarterly map pack (provinsi and kab/kota levels) from a national store.

What it does
------------
1. Uses the national synthetic store of ``scripts/make_national_data.py`` (``--store``, default
   ``build/nasional.gpkg``; made with that script's defaults when missing: 38 provinces, 271
   kab/kota, 11,067 kelurahan, 55,000 slum locations in 4 periods, 50,000 activities, 20,000
   protected features; untimed).
2. **Full build**, timed in a fresh process: ``kotaku-gis mappack --periode 2026Q3 --tingkat kabkota``
   into an empty folder (nasional + 38 provinsi + 271 kab/kota units: maps, pictures, tables, pages,
   summary, zips, manifest). Wall time, and peak memory: the memory of the whole process tree (the
   main process and its workers together, proportional set size so that pages the forked workers
   share with the main process count once) sampled every 0.2 s, and the peak resident size of the
   largest single process (``ru_maxrss``).
3. **No-change re-run**, timed in a fresh process: the same command again (plans, finds the published
   pack up to date, writes nothing).
4. **One kelurahan changed**: one slum location's area is changed in the store and the command run
   again: the kelurahan's kab/kota, provinsi and the nation are rebuilt, nothing else.
5. With ``--kode`` (a subset) and ``--nasional``: the plan of the whole national pack at the same
   ``--tingkat``, timed in a fresh process (reading every layer, fingerprinting every unit: the floor
   of a national no-change re-run), its units per level, and an **extrapolation** (labelled so) of
   the national full build: the plan plus, per level, the national units times the subset's mean
   seconds per unit, divided by the workers. A measured national build needs the run without ``--kode``.

Usage::

    python scripts/bench_mappack.py                            # build/nasional.gpkg, temporary output
    python scripts/bench_mappack.py --store /tmp/nasional.gpkg --workers 2
    python scripts/bench_mappack.py --kode 61 --tingkat kecamatan   # a subset

Targets on the CI machine (2 cores): full build < 10 min to kab/kota, < 30 min to kelurahan
(``--tingkat kelurahan``: about 13,000 units), no-change re-run < 30 s, a kelurahan's map page without
the shared assets < 300 KB. Per level it prints the units, their size and the build time per unit.
The store is copied first (step 4 changes it); the copy and the output are removed unless ``--keep``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_STORE = REPO / "build" / "nasional.gpkg"
TARGET_FULL_S = {"kabkota": 600.0, "kecamatan": 1200.0, "kelurahan": 1800.0}  # by the lowest level
TARGET_NOCHANGE_S = 30.0
TARGET_KELURAHAN_PAGE_KB = 300.0  # a kelurahan's map page without the shared assets


def _memory_kb(pid: int) -> int:
    """Proportional set size of a process (kB): its private pages plus its share of the pages it
    shares (forked workers share the parent's), so that the PSS of a process tree adds up to the
    memory it really holds. VmRSS where /proc/<pid>/smaps_rollup is not available."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree_kb(pid: int) -> tuple[int, int]:
    """Memory of a process and all its descendants, and of the largest of its descendants (the
    largest worker), kB, from /proc."""
    total = 0
    largest_child = 0
    stack = [pid]
    while stack:
        p = stack.pop()
        kb = _memory_kb(p)
        total += kb
        if p != pid:
            largest_child = max(largest_child, kb)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    stack += [int(c) for c in f.read().split()]
        except (OSError, ValueError):
            continue
    return total, largest_child


def run(cmd: list[str], env: dict[str, str]) -> dict[str, float | int | str]:
    """Run ``cmd``; wall time, exit status, peak resident memory of its process tree, last lines."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0, 0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            tree, child = _tree_kb(proc.pid)
            peak[0], peak[1] = max(peak[0], tree), max(peak[1], child)
            time.sleep(0.2)

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    out, err = proc.communicate()
    done.set()
    watcher.join()
    wall = time.perf_counter() - t0
    return {
        "seconds": round(wall, 1),
        "status": proc.returncode,
        "peak_tree_mb": round(peak[0] / 1024),
        "peak_worker_mb": round(peak[1] / 1024),
        "stdout": out.strip(),
        "stderr_tail": "\n".join(err.strip().splitlines()[-3:]),
    }


def change_one_kelurahan(store_path: Path, periode: str, kode: str | None) -> str:
    """Change one slum location's area in ``periode``; returns its kelurahan code."""
    sys.path.insert(0, str(REPO))
    from kotaku_gis.store import open_store

    store = open_store(store_path)
    kumuh = store.read("kawasan_kumuh", periode=periode)
    rows = kumuh.index if not kode else kumuh.index[kumuh["kode_kelurahan"].str.startswith(kode + ".")]
    row = rows[len(rows) // 2]
    kumuh.loc[row, "luas_ha"] = float(kumuh.loc[row, "luas_ha"]) + 0.5
    store.write("kawasan_kumuh", kumuh, source="bench_mappack: one location changed")
    store.close()
    return str(kumuh.loc[row, "kode_kelurahan"])


def map_pages(files: dict[str, dict]) -> dict[str, dict[str, Any]]:
    """The map pages of each level in a manifest's file list (without the shared assets): level ->
    pages, median, 90th and 99th percentile, largest (KB, 1 KB = 1,000 bytes) and its code, and the
    pages over the kelurahan target."""
    sys.path.insert(0, str(REPO))
    from kotaku_gis import wilayah

    sizes: dict[str, list[tuple[int, str]]] = {}
    for name, entry in files.items():
        parts = name.split("/")
        if len(parts) == 3 and parts[0] == "wilayah" and parts[2].startswith("peta_") and parts[2].endswith(".html"):
            kode = "" if parts[1] == "nasional" else parts[1]
            sizes.setdefault(wilayah.tingkat(kode) if kode else "nasional", []).append((entry["bytes"], kode))
    out = {}
    for level, pages in sizes.items():
        kb = [b / 1000 for b, _ in pages]
        cuts = statistics.quantiles(kb, n=100, method="inclusive") if len(kb) > 1 else kb * 99
        largest, kode = max(pages)
        out[level] = {
            "pages": len(pages), "median_kb": round(statistics.median(kb), 1), "p90_kb": round(cuts[89], 1),
            "p99_kb": round(cuts[98], 1), "largest_kb": round(largest / 1000, 1), "largest": kode,
            "over_target": sum(k >= TARGET_KELURAHAN_PAGE_KB for k in kb),
        }  # fmt: skip
    return out


def per_level(out: Path, periode: str, manifest: dict) -> dict[str, dict[str, float]]:
    """Per level: units, pack size (MB, the units' folders), build time per unit (s, from each built
    unit's record in the work area: mean and largest)."""
    sys.path.insert(0, str(REPO))
    from kotaku_gis import wilayah

    levels: dict[str, dict[str, list[float]]] = {}
    folder_bytes: dict[str, int] = {}
    for name, e in manifest["berkas"].items():  # once: a national pack has 100,000 files in 11,800 folders
        folder = name.rpartition("/")[0]
        folder_bytes[folder] = folder_bytes.get(folder, 0) + e["bytes"]
    for u in manifest["unit"]:
        lv = levels.setdefault(u["tingkat"], {"mb": [], "s": []})
        lv["mb"].append(folder_bytes.get(u["folder"], 0) / 1e6)
        record = out / ".kotaku_mappack" / "unit" / u["sidik_jari"] / "unit.json"
        if record.is_file():
            lv["s"].append(float(json.loads(record.read_text(encoding="utf-8")).get("detik", float("nan"))))
    order = [lv for lv in wilayah.ROLLUP_LEVELS if lv in levels]
    return {
        lv: {"units": len(levels[lv]["mb"]), "mb": round(sum(levels[lv]["mb"]), 1),
             "s_mean": round(sum(levels[lv]["s"]) / max(len(levels[lv]["s"]), 1), 2),
             "s_max": round(max(levels[lv]["s"], default=float("nan")), 2)}
        for lv in order
    }  # fmt: skip


_PLAN_SNIPPET = """
import json, sys, time, collections
import kotaku_gis as kg
from kotaku_gis import mappack
t = time.perf_counter()
p = mappack.plan(kg.open_store(sys.argv[1]), sys.argv[2], tingkat=sys.argv[3])
print(json.dumps({"seconds": round(time.perf_counter() - t, 1), "units": dict(collections.Counter(u.tingkat for u in p.units))}))
"""


def national_plan(store: Path, periode: str, tingkat: str, env: dict[str, str]) -> dict[str, object]:
    """Plan the whole national pack down to ``tingkat`` in a fresh process: seconds, units per level."""
    done = run([sys.executable, "-c", _PLAN_SNIPPET, str(store), periode, tingkat], env)
    if done["status"] != 0:
        raise RuntimeError(f"planning the national pack failed: {done['stderr_tail']}")
    info = json.loads(str(done["stdout"]).splitlines()[-1])
    return {**info, "peak_mb": done["peak_tree_mb"]}


def extrapolate(plan: dict[str, object], levels: dict[str, dict[str, float]], workers: int) -> float:
    """Seconds of a national build estimated from a subset: the plan plus, per level, the national
    units times the subset's mean seconds per unit, over the workers."""
    units: dict[str, int] = plan["units"]  # type: ignore[assignment]
    per_unit = sum(n * levels[lv]["s_mean"] for lv, n in units.items() if lv in levels)
    return float(plan["seconds"]) + per_unit / max(workers, 1)  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    if not args.store.exists():
        maker = REPO / "scripts" / "make_national_data.py"
        if not maker.exists():
            print(f"no national store at {args.store} and no {maker}; give --store", file=sys.stderr)
            return 2
        print(f"making the national store {args.store} (untimed) ...", flush=True)
        subprocess.run([sys.executable, str(maker), "--db", str(args.store)], check=True)

    work = Path(tempfile.mkdtemp(prefix="bench_mappack_"))
    store = work / "nasional.gpkg"
    shutil.copy(args.store, store)
    out = args.out or work / "paket"
    cli = [sys.executable, "-m", "kotaku_gis.cli", "--db", str(store), "mappack", "--periode", args.periode,
           "--tingkat", args.tingkat, "--out", str(out), "--workers", str(args.workers)]  # fmt: skip
    if args.kode:
        cli += ["--kode", args.kode]
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    results: dict[str, Any] = {"store": str(args.store), "workers": args.workers, "tingkat": args.tingkat,
                               "kode": args.kode or "", "cpus": os.cpu_count()}  # fmt: skip
    try:
        _measure(args, cli, env, store, out, results)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        elif args.out is None:
            print(f"kept: {work}")
    largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    results["largest_process_mb"] = round(largest)
    ok = _verdict(args, results)
    print(f"largest single process: {largest:.0f} MB")
    print("RESULT " + json.dumps(results, ensure_ascii=False))
    return 0 if ok else 1


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--store", type=Path, default=DEFAULT_STORE, help=f"national store (default {DEFAULT_STORE.relative_to(REPO)})"
    )
    parser.add_argument("--out", type=Path, help="output folder (default: a temporary one)")
    parser.add_argument("--periode", default="2026Q3")
    parser.add_argument("--tingkat", default="kabkota")
    parser.add_argument("--kode", help="only this area (a subset)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--keep", action="store_true", help="keep the store copy and the output")
    parser.add_argument("--nasional", action="store_true",
                        help="with --kode: also plan the national pack and extrapolate its build time (step 5)")  # fmt: skip
    return parser.parse_args(argv)


def _run_and_show(label: str, cli: list[str], env: dict[str, str]) -> dict[str, Any]:
    print(f"{label} ...", flush=True)
    result = run(cli, env)
    print(f"  {result['seconds']} s, status {result['status']}, peak {result['peak_tree_mb']} MB (process tree), "
          f"{result['peak_worker_mb']} MB the largest worker")  # fmt: skip
    print("  " + str(result["stdout"]).replace("\n", "\n  "))
    return result


def _measure(
    args: argparse.Namespace, cli: list[str], env: dict[str, str], store: Path, out: Path, results: dict[str, Any]
) -> None:
    """The full build, the pack's figures, the no-change and one-change re-runs (and the national
    extrapolation of a subset) into ``results``."""
    results["full"] = _run_and_show("full build", cli, env)
    manifest = json.loads((out / args.periode / "manifest.json").read_text(encoding="utf-8"))
    files = manifest["berkas"]
    results["units"] = len(manifest["unit"])
    results["files"] = len(files)
    results["pack_mb"] = round(sum(e["bytes"] for e in files.values()) / 1e6)
    print(f"  {results['units']} units, {results['files']} files, {results['pack_mb']} MB")
    results["per_level"] = per_level(out, args.periode, manifest)
    for lv, v in results["per_level"].items():
        print(f"  {lv}: {v['units']} units, {v['mb']} MB, {v['s_mean']} s per unit (largest {v['s_max']} s)")
    results["map_pages"] = map_pages(files)
    for lv, v in results["map_pages"].items():
        print(f"  map pages, {lv} (KB without the shared assets): median {v['median_kb']}, 90th percentile {v['p90_kb']}, "
              f"99th {v['p99_kb']}, largest {v['largest_kb']} ({v['largest'] or 'nasional'})")  # fmt: skip
    results["no_change"] = _run_and_show("no-change re-run", cli, env)
    kel = change_one_kelurahan(store, args.periode, args.kode)
    results["one_change"] = {**_run_and_show(f"one kelurahan changed ({kel})", cli, env), "kelurahan": kel}
    if args.kode and args.nasional:
        print(f"national plan down to {args.tingkat} ...", flush=True)
        nat = national_plan(store, args.periode, args.tingkat, env)
        estimate = extrapolate(nat, results["per_level"], args.workers)
        results["national_plan"] = nat
        results["national_extrapolated_s"] = round(estimate)
        print(f"  plan {nat['seconds']} s, peak {nat['peak_mb']} MB, units {nat['units']}")
        print(f"  EXTRAPOLATED national full build: {estimate / 60:.0f} min on {args.workers} workers "
              f"(target {TARGET_FULL_S.get(args.tingkat, 0) / 60:.0f} min; not a measurement)")  # fmt: skip


def _verdict(args: argparse.Namespace, results: dict[str, Any]) -> bool:
    """Whether the national pack meets its targets (printed); a subset (``--kode``) is not judged."""
    full_s = results["full"]["seconds"]
    quiet_s = results["no_change"]["seconds"]
    target_full = TARGET_FULL_S.get(args.tingkat, TARGET_FULL_S["kabkota"])
    ok = full_s < target_full and quiet_s < TARGET_NOCHANGE_S
    kel_pages = results.get("map_pages", {}).get("kelurahan")
    if kel_pages is not None:
        ok = ok and kel_pages["over_target"] == 0
        print(f"kelurahan map pages of {TARGET_KELURAHAN_PAGE_KB:.0f} KB or more: {kel_pages['over_target']} of "
              f"{kel_pages['pages']} (largest {kel_pages['largest_kb']} KB, {kel_pages['largest']})")  # fmt: skip
    if args.kode:  # the targets are those of the national pack: a subset neither meets nor misses them
        print(f"targets (full < {target_full:.0f} s, no-change < {TARGET_NOCHANGE_S:.0f} s) are for the national pack: "
              f"not judged on the subset {args.kode}")  # fmt: skip
        return True
    print(
        f"targets: full < {target_full:.0f} s: {full_s} s; no-change < {TARGET_NOCHANGE_S:.0f} s: {quiet_s} s -> "
        + ("met" if ok else "NOT met")
    )
    return ok


if __name__ == "__main__":
    sys.exit(main())
