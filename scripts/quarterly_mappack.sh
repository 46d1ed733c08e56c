#!/usr/bin/env bash
# Quarterly map pack (paket peta triwulanan) for a scheduled run (cron, systemd timer).
#
#   scripts/quarterly_mappack.sh [PERIODE]
#
# PERIODE defaults to the quarter that ended last (run on 5 October 2026: 2026Q3). Settings come from
# the environment:
#   KOTAKU_DB        store (GeoPackage path or postgresql+psycopg:// URL)      default ./kotaku.gpkg
#   MAPPACK_OUT      folder of the packs (the pack goes to OUT/PERIODE)        default ./paket_peta
#   MAPPACK_TINGKAT  lowest level                                              default: the recipe's
#   MAPPACK_KODE     only this area (and its ancestors)                        default: all of Indonesia
#   MAPPACK_WORKERS  parallel processes                                        default: number of CPUs
#   MAPPACK_BASELINE baseline period                                           default: earliest stored
#   MAPPACK_LOG      log folder (one file per run)                             default OUT/log
#   KOTAKU_GIS       the kotaku-gis command                                    default: next to this script
#
# The run is incremental and crash-safe (kotaku_gis.mappack): running it again after an interruption
# resumes, and with unchanged data it builds and writes nothing. One run at a time per OUT (a lock).
# Exit status: that of kotaku-gis (0 published or up to date, 1 some areas failed: nothing published,
# 2 usage error).
#
# Example crontab line (06:00 on the 5th of January, April, July and October):
#   0 6 5 1,4,7,10 *  KOTAKU_DB=/data/kotaku.gpkg MAPPACK_OUT=/srv/paket_peta /opt/kotaku-gis/scripts/quarterly_mappack.sh
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
cli="${KOTAKU_GIS:-$here/../.venv/bin/kotaku-gis}"
if [[ ! -x "$cli" ]]; then
  cli="$(command -v kotaku-gis || true)"
fi
if [[ -z "$cli" ]]; then
  echo "quarterly_mappack: kotaku-gis not found (set KOTAKU_GIS or run scripts/setup.sh)" >&2
  exit 2
fi

if [[ $# -ge 1 ]]; then
  periode="$1"
else
  year=$(date +%Y)
  month=$((10#$(date +%m)))
  quarter=$(( (month - 1) / 3 ))          # the quarter before the current one
  if (( quarter == 0 )); then
    year=$((year - 1))
    quarter=4
  fi
  periode="${year}Q${quarter}"
fi

out="${MAPPACK_OUT:-paket_peta}"
logdir="${MAPPACK_LOG:-$out/log}"
mkdir -p "$logdir"
log="$logdir/mappack_${periode}_$(date +%Y%m%dT%H%M%S).log"

args=(mappack --periode "$periode" --out "$out")
[[ -n "${MAPPACK_TINGKAT:-}" ]] && args+=(--tingkat "$MAPPACK_TINGKAT")
[[ -n "${MAPPACK_KODE:-}" ]] && args+=(--kode "$MAPPACK_KODE")
[[ -n "${MAPPACK_WORKERS:-}" ]] && args+=(--workers "$MAPPACK_WORKERS")
[[ -n "${MAPPACK_BASELINE:-}" ]] && args+=(--baseline "$MAPPACK_BASELINE")

echo "$(date -Is) kotaku-gis ${args[*]} (store: ${KOTAKU_DB:-kotaku.gpkg})" | tee -a "$log"
set +e
"$cli" "${args[@]}" 2>&1 | tee -a "$log"
status=${PIPESTATUS[0]}
set -e
echo "$(date -Is) exit status $status" | tee -a "$log"
exit "$status"
