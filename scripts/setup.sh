#!/usr/bin/env bash
# Set up kotaku-gis on a fresh machine: a virtual environment in .venv with the package installed.
#   bash scripts/setup.sh          runtime only (enough for `kotaku-gis demo`)
#   bash scripts/setup.sh --test   also PostgreSQL+PostGIS and the test dependencies
# Debian/Ubuntu system packages are installed with apt-get when run as root (or with sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
if [ "$want_test" = 1 ]; then
  .venv/bin/python -m pip install --quiet -e '.[test]'
else
  .venv/bin/python -m pip install --quiet -e .
fi

if [ "$want_test" = 1 ]; then
  need=()
  ls /usr/lib/postgresql/*/lib/postgis-3.so >/dev/null 2>&1 || need+=(postgresql-15-postgis-3)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql-15)
  if [ ${#need[@]} -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" = 0 ] || SUDO=sudo
    if command -v apt-get >/dev/null; then
      $SUDO apt-get update -qq
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
    else
      echo "kotaku-gis: PostgreSQL 15 with PostGIS 3 is needed for the tests; install it and put pg_ctl on PATH" >&2
      exit 2
    fi
  fi
fi
echo "kotaku-gis: environment ready in .venv"
