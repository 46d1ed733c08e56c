#!/usr/bin/env bash
# Set up kotaku-gis on a fresh machine: a virtual environment in .venv with the package installed.
#   bash scripts/setup.sh          runtime only (enough for `kotaku-gis demo`)
#   bash scripts/setup.sh --test   also PostgreSQL+PostGIS, Chromium (map tests) and the test dependencies
# Debian/Ubuntu system packages are installed with apt-get when run as root (or with sudo).
# Safe to run again: it only adds what is missing. PYTHON=/path/to/python3 picks the interpreter.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
case "${1:-}" in
  --test) want_test=1 ;;
  "") ;;
  *) echo "usage: bash scripts/setup.sh [--test]" >&2; exit 2 ;;
esac

PY=${PYTHON:-python3}
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
  echo "kotaku-gis: needs Python >= 3.10 (\`$PY\` is missing or older); set PYTHON=/path/to/python3" >&2
  exit 2
fi
# (Re)create the venv when it is missing or broken (e.g. its interpreter was removed).
if ! .venv/bin/python -c '' 2>/dev/null; then
  "$PY" -m venv --clear .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
if [ "$want_test" = 1 ]; then
  .venv/bin/python -m pip install --quiet -e '.[test]'
  # GDAL's GeoPackage validator (tests/helpers.py: assert_valid_gpkg). Its package declares GDAL's
  # Python bindings as a dependency, which pip would have to compile; the validator does not use them.
  .venv/bin/python -m pip install --quiet --no-deps 'gdal-utils>=3.9'
else
  .venv/bin/python -m pip install --quiet -e .
fi

# The PostgreSQL server binaries the tests will use, found the way tests/conftest.py finds them:
# `pg_config --bindir`, else the newest /usr/lib/postgresql/*/bin, else pg_ctl on PATH.
pg_bindir() {
  local d
  if command -v pg_config >/dev/null 2>&1; then
    d=$(pg_config --bindir 2>/dev/null || true)
    if [ -n "$d" ] && [ -f "$d/initdb" ] && [ -f "$d/pg_ctl" ]; then echo "$d"; return; fi
  fi
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -f "$d/initdb" ] && [ -f "$d/pg_ctl" ]; then echo "$d"; return; fi
  done
  if command -v pg_ctl >/dev/null 2>&1; then
    d=$(dirname "$(readlink -f "$(command -v pg_ctl)")")
    if [ -f "$d/initdb" ]; then echo "$d"; return; fi
  fi
}

# Install Debian package(s) $2... (what they are for: $1) with apt-get, as root or with sudo.
apt_install() {
  local what=$1 sudo_cmd=""
  shift
  if [ "$(id -u)" != 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "kotaku-gis: installing $what needs root; run as root or install sudo" >&2
      exit 2
    fi
    sudo_cmd=sudo
  fi
  echo "kotaku-gis: installing $* with apt-get"
  # (env, not a variable prefix: sudo would drop DEBIAN_FRONTEND and apt could wait for input)
  $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# Whether the server in bindir $1 has the PostGIS extension.
has_postgis() {
  local share=""
  [ -x "$1/pg_config" ] && share=$("$1/pg_config" --sharedir 2>/dev/null || true)
  if [ -z "$share" ] && [[ "$1" =~ ^/usr/lib/postgresql/([0-9.]+)/bin$ ]]; then
    share=/usr/share/postgresql/${BASH_REMATCH[1]}
  fi
  [ -n "$share" ] && ls "$share"/extension/postgis.control >/dev/null 2>&1
}

if [ "$want_test" = 1 ]; then
  bindir=$(pg_bindir)
  if [ -z "$bindir" ] || ! has_postgis "$bindir"; then
    if [ -n "$bindir" ] && ! [[ "$bindir" =~ ^/usr/lib/postgresql/ ]]; then
      echo "kotaku-gis: the PostgreSQL server in $bindir has no PostGIS; install PostGIS 3 for it" \
        "(conda: \`conda install -c conda-forge postgis\`)" >&2
      exit 2
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
      echo "kotaku-gis: PostgreSQL (15 or newer) with PostGIS 3 is needed for the tests; install them" \
        "and put pg_config (or pg_ctl) on PATH, or use conda: conda env create -f environment.yml" >&2
      exit 2
    fi
    SUDO=""
    if [ "$(id -u)" != 0 ]; then
      if ! command -v sudo >/dev/null 2>&1; then
        echo "kotaku-gis: installing PostgreSQL+PostGIS needs root; run as root or install sudo" >&2
        exit 2
      fi
      SUDO=sudo
    fi
    # (env, not a variable prefix: sudo would drop DEBIAN_FRONTEND and apt could wait for input)
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    if [[ "$bindir" =~ ^/usr/lib/postgresql/([0-9]+)/bin$ ]]; then
      pgver=${BASH_REMATCH[1]}   # PostGIS for the server that is already there
    else                         # the distribution's PostgreSQL (15 on Debian 12)
      pgver=$(apt-cache depends postgresql 2>/dev/null | grep -o -m1 'postgresql-[0-9]\+' | cut -d- -f2 || true)
      pgver=${pgver:-15}
    fi
    echo "kotaku-gis: installing postgresql-$pgver and postgresql-$pgver-postgis-3 with apt-get"
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "postgresql-$pgver" "postgresql-$pgver-postgis-3" >/dev/null
    bindir=$(pg_bindir)
    if [ -z "$bindir" ] || ! has_postgis "$bindir"; then
      echo "kotaku-gis: PostgreSQL+PostGIS still not found after installing; see tests/conftest.py" >&2
      exit 2
    fi
  fi
  echo "kotaku-gis: PostgreSQL+PostGIS for the tests: $bindir"

  # A Chromium for the map tests (tests/test_maps.py drives it with Playwright; Playwright never
  # downloads a browser here). Debian's package, or any Chromium named by $KOTAKU_CHROMIUM.
  chromium=${KOTAKU_CHROMIUM:-/usr/bin/chromium}
  if [ ! -x "$chromium" ]; then
    if [ -n "${KOTAKU_CHROMIUM:-}" ] || ! command -v apt-get >/dev/null 2>&1; then
      echo "kotaku-gis: the map tests need Chromium at $chromium; install it (Debian/Ubuntu:" \
        "apt-get install chromium) or set KOTAKU_CHROMIUM=/path/to/chromium" >&2
      exit 2
    fi
    apt_install Chromium chromium
  fi
  echo "kotaku-gis: Chromium for the map tests: $chromium"

  # Debian's poppler-utils: the report tests open the monev PDF with a real reader (pdftotext, pdftoppm).
  if ! command -v pdftotext >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1; then
    if ! command -v apt-get >/dev/null 2>&1; then
      echo "kotaku-gis: the report tests need pdftotext and pdftoppm (poppler-utils); install them" >&2
      exit 2
    fi
    apt_install poppler-utils poppler-utils
  fi
  echo "kotaku-gis: poppler-utils for the report tests: $(command -v pdftotext)"
fi
echo "kotaku-gis: environment ready in .venv"
