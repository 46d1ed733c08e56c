"""Test fixtures: the two store backends, GeoPackage and a real PostgreSQL + PostGIS server.

``store_url`` is parametrised over ``gpkg`` and ``postgis``: every store test that takes it runs on
both backends.  The PostgreSQL server is started once per test session, and only when a test that
needs it runs:

* its binaries come from ``pg_config --bindir`` (a conda environment, Homebrew, ...) or else the
  newest ``/usr/lib/postgresql/*/bin`` (Debian/Ubuntu);
* it lives in a temporary directory (in /dev/shm when that has room: creating a database there is
  about 20x faster than on this machine's disk), listens on a free port on 127.0.0.1 with its unix
  socket in that directory, and runs with fsync off (its data is thrown away);
* PostgreSQL refuses to run as root, so when the tests run as root (CI) ``initdb`` and ``pg_ctl`` run
  as the OS user ``postgres``, which owns the temporary directory;
* a template database ``kotaku_template`` holds the PostGIS extension, and every test that asks for
  ``postgis_url`` gets a fresh, empty database copied from it, dropped afterwards.

The server is stopped (``pg_ctl stop -m immediate``) and its directory removed at the end of the
session, whether the tests passed or not, and also when pytest is ended by SIGTERM (a timeout).  Tests that use PostGIS are marked ``postgis``, so
``pytest -m "not postgis"`` runs the rest without a server.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

# Property tests check what is computed, never how fast: no per-example deadline (on a loaded CI
# machine a deadline fails correct code). Speed is measured by the benchmark scripts.
hypothesis_settings.register_profile("kotaku", deadline=None, print_blob=True)
hypothesis_settings.load_profile("kotaku")

SETUP_HINT = "run `bash scripts/setup.sh --test` (installs PostgreSQL 15 + PostGIS 3 on Debian/Ubuntu)"
TEMPLATE_DB = "kotaku_template"
TEMP_PREFIX = "kotaku-pg-"
SHM_MIN_FREE = 2 * 1024**3  # the cluster takes about 100 MB; leave /dev/shm alone when it is small
STALE_AFTER_S = 24 * 3600
PG_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "full_page_writes": "off",
    "synchronous_commit": "off",
    "max_connections": "100",
    "logging_collector": "off",
}


@pytest.fixture(autouse=True)
def _language(monkeypatch):
    """Every test starts in Bahasa Indonesia, whatever an earlier test or ``KOTAKU_LANG`` set."""
    from kotaku_gis import settings

    monkeypatch.setattr(settings, "language", "id")


@pytest.fixture
def english(monkeypatch):
    """The test reads a message in English (``settings.language = "en"``)."""
    from kotaku_gis import settings

    monkeypatch.setattr(settings, "language", "en")


def pytest_configure(config):
    # Also declared in pyproject.toml; registered here too so --strict-markers never trips on it.
    config.addinivalue_line("markers", "postgis: needs the PostgreSQL+PostGIS server that the test session starts")


def pytest_collection_modifyitems(items):
    """Mark every test that will start or use the PostGIS server, so ``-m "not postgis"`` works."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        names = getattr(item, "fixturenames", ())
        if (
            "postgis_url" in names
            or "postgres_server" in names
            or (callspec is not None and callspec.params.get("store_url") == "postgis")
        ):
            item.add_marker(pytest.mark.postgis)


# --------------------------------------------------------------------------------------------------
# Finding and running the server binaries


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", path.parent.name)) or (0,)


def find_pg_bindir() -> Path | None:
    """The directory holding ``initdb`` and ``pg_ctl``, or None."""
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=True, timeout=30)
            candidates.append(Path(out.stdout.strip()))
        except (subprocess.SubprocessError, OSError):
            pass
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_version_key, reverse=True)
    pg_ctl = shutil.which("pg_ctl")
    if pg_ctl:
        candidates.append(Path(pg_ctl).resolve().parent)
    for bindir in candidates:
        if (bindir / "initdb").is_file() and (bindir / "pg_ctl").is_file():
            return bindir
    return None


def _running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _world_traversable(path: Path) -> bool:
    """Whether another OS user can reach ``path`` (every ancestor has o+x)."""
    for p in [path, *path.parents]:
        try:
            if not p.stat().st_mode & stat.S_IXOTH:
                return False
        except OSError:
            return False
    return True


class PostgresServer:
    """A throw-away PostgreSQL cluster in a temporary directory (see the module docstring)."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.as_root = _running_as_root()
        self.base: Path | None = None
        self.port: int | None = None
        self.admin = None  # psycopg connection to the "postgres" database
        self._names = itertools.count(1)
        self.startup_seconds = 0.0

    # -- processes ------------------------------------------------------------------------------
    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        kwargs: dict = {}
        if self.as_root:
            kwargs = {"user": "postgres", "group": "postgres", "extra_groups": []}
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env["LC_ALL"] = "C"
        return subprocess.run(
            [str(self.bindir / args[0]), *args[1:]],
            cwd=self.base,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            **kwargs,
        )

    def _fail(self, what: str, proc: subprocess.CompletedProcess | None = None, log: bool = True) -> None:
        detail = ""
        if proc is not None:
            detail += f"\n--- {proc.args[0]} exit {proc.returncode}\n{proc.stdout}{proc.stderr}"
        logfile = self.base / "server.log" if self.base and log else None
        if logfile and logfile.exists():
            lines = logfile.read_text(errors="replace").splitlines()[-30:]
            detail += "\n--- server.log (end)\n" + "\n".join(lines)
        pytest.fail(f"PostgreSQL test server: {what}{detail}", pytrace=False)

    # -- life cycle -----------------------------------------------------------------------------
    def start(self) -> None:
        t0 = time.perf_counter()
        parent = _scratch_parent(self.as_root)
        _remove_stale_clusters(parent)
        self.base = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=parent))
        if self.as_root:
            try:
                shutil.chown(self.base, "postgres", "postgres")
            except (LookupError, OSError) as exc:
                self._fail(
                    "the tests run as root, and PostgreSQL refuses to run as root, so it is run as the OS "
                    f"user `postgres`, which is missing here ({exc}); {SETUP_HINT}, or run the tests as "
                    "an ordinary user"
                )
        data = self.base / "data"
        proc = self._run(
            "initdb", "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync",
            "--no-instructions", "--locale=C", "--encoding=UTF8",
        )  # fmt: skip
        if proc.returncode != 0:
            self._fail("initdb failed", proc)
        # Settings go into postgresql.auto.conf: no quoting through pg_ctl -o, and a restart keeps them.
        socket_dir = str(self.base).replace("'", "''")
        for attempt in range(5):
            self.port = _free_port()
            conf = dict(PG_SETTINGS, port=str(self.port), unix_socket_directories=f"'{socket_dir}'")
            with open(data / "postgresql.auto.conf", "w") as fh:
                fh.write("".join(f"{k} = {v}\n" for k, v in conf.items()))
            proc = self._run("pg_ctl", "start", "-D", str(data), "-l", str(self.base / "server.log"), "-w", "-t", "60")
            if proc.returncode == 0:
                break
            log = (self.base / "server.log").read_text(errors="replace") if (self.base / "server.log").exists() else ""
            if "Address already in use" not in log or attempt == 4:
                self._fail("pg_ctl start failed", proc)
        self._connect_admin()
        self._make_template()
        self.startup_seconds = time.perf_counter() - t0

    def _connect_admin(self) -> None:
        import psycopg

        self.admin = psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True, connect_timeout=30
        )
        self.server_version = self.admin.info.server_version

    def _make_template(self) -> None:
        import psycopg

        available = self.admin.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'").fetchone()
        if not available:
            self._fail(
                f"the PostGIS extension is not installed for the PostgreSQL server in {self.bindir}; {SETUP_HINT}",
                log=False,
            )
        self.admin.execute(f"CREATE DATABASE {TEMPLATE_DB}")
        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=TEMPLATE_DB, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION postgis")
        # No connection may ever hold the template open, or copying it fails.
        self.admin.execute(f"ALTER DATABASE {TEMPLATE_DB} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false")

    def create_database(self) -> str:
        name = f"test_{next(self._names)}"
        # FILE_COPY copies the template's files instead of writing them all to the WAL.
        strategy = " STRATEGY FILE_COPY" if self.server_version >= 150000 else ""
        self.admin.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE_DB}{strategy}")
        return name

    def drop_database(self, name: str) -> None:
        force = " WITH (FORCE)" if self.server_version >= 130000 else ""
        self.admin.execute(f"DROP DATABASE IF EXISTS {name}{force}")

    def url(self, dbname: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{dbname}"

    def stop(self) -> None:
        """Stop the server and remove its directory; safe to call more than once."""
        if self.admin is not None:
            with contextlib.suppress(Exception):
                self.admin.close()
            self.admin = None
        if self.base is None:
            return
        data = self.base / "data"
        pid = _postmaster_pid(data)  # also a server whose `pg_ctl start -w` gave up waiting
        if pid is not None and _alive(pid):
            try:
                proc = self._run("pg_ctl", "stop", "-D", str(data), "-m", "immediate", "-w", "-t", "30", timeout=60)
                stopped = proc.returncode == 0
            except (subprocess.SubprocessError, OSError):
                stopped = False
            if not stopped:
                # pg_ctl could not stop it: SIGQUIT is PostgreSQL's immediate shutdown.
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGQUIT)
            # Wait (briefly) until the postmaster is really gone, so no process outlives the session.
            deadline = time.monotonic() + 10
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.05)
        shutil.rmtree(self.base, ignore_errors=True)
        self.base = None


def _scratch_parent(as_root: bool) -> Path:
    """Where the cluster goes: /dev/shm when it has room (memory: about 10x faster to create a
    database than on disk, even with fsync off), else the usual temporary directory."""
    shm = Path("/dev/shm")
    try:
        st = os.statvfs(shm)
        roomy = shm.is_dir() and os.access(shm, os.W_OK | os.X_OK) and st.f_bavail * st.f_frsize >= SHM_MIN_FREE
        if roomy and (not as_root or _world_traversable(shm)):
            return shm
    except (OSError, AttributeError):
        pass
    parent = Path(tempfile.gettempdir())
    if as_root and not _world_traversable(parent):
        parent = Path("/tmp")  # the OS user postgres must be able to reach the cluster
    return parent


def _remove_stale_clusters(parent: Path) -> None:
    """Remove clusters left by sessions that were killed (no teardown), old and with no live server."""
    for old in parent.glob(TEMP_PREFIX + "*"):
        try:
            if time.time() - old.stat().st_mtime < STALE_AFTER_S:
                continue
            pid = _postmaster_pid(old / "data")
            if pid is None or not _alive(pid):
                shutil.rmtree(old, ignore_errors=True)
        except OSError:
            pass


def _postmaster_pid(data: Path) -> int | None:
    try:
        return int((data / "postmaster.pid").read_text().split("\n", 1)[0])
    except (OSError, ValueError):
        return None


def _alive(pid: int) -> bool:
    """Whether ``pid`` still runs (an exited process waiting to be reaped by init does not)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return fields[0] not in ("Z", "X")
    except FileNotFoundError:
        return False
    except (OSError, IndexError):
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="session")
def postgres_server():
    """The session's PostgreSQL + PostGIS server (started on first use)."""
    bindir = find_pg_bindir()
    if bindir is None:
        pytest.fail(f"PostgreSQL server binaries (initdb, pg_ctl) not found; {SETUP_HINT}", pytrace=False)
    server = PostgresServer(bindir)
    atexit.register(server.stop)  # also if the session is torn down abnormally
    restore = _stop_on_sigterm(server)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        restore()


def _stop_on_sigterm(server: PostgresServer):
    """Stop the server when pytest is killed with SIGTERM (e.g. by `timeout`), which skips teardown.
    Only when nobody else handles SIGTERM; returns the function that undoes it."""
    if not hasattr(signal, "SIGTERM") or threading.current_thread() is not threading.main_thread():
        return lambda: None
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        return lambda: None

    def handler(signum, frame):
        server.stop()
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    signal.signal(signal.SIGTERM, handler)
    return lambda: signal.signal(signal.SIGTERM, signal.SIG_DFL)


@pytest.fixture
def postgis_url(postgres_server):
    """SQLAlchemy URL of a fresh PostGIS database, dropped after the test."""
    name = postgres_server.create_database()
    try:
        yield postgres_server.url(name)
    finally:
        postgres_server.drop_database(name)


@pytest.fixture
def gpkg_url(tmp_path):
    """Path of a GeoPackage store that does not exist yet."""
    return str(tmp_path / "kotaku.gpkg")


@pytest.fixture(params=["gpkg", "postgis"], ids=["gpkg", "postgis"])
def store_url(request):
    """A store location on each backend in turn: a GeoPackage path, then a PostGIS URL."""
    return request.getfixturevalue(f"{request.param}_url")


# --------------------------------------------------------------------------------------------------
# A real headless Chromium for the map tests (tests/browser.py)


@pytest.fixture(scope="module")
def browser():
    from browser import BROWSER_HINT, CHROMIUM, FLAGS

    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail(f"the playwright package is missing; {BROWSER_HINT}", pytrace=False)
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"no Chromium at {CHROMIUM}; {BROWSER_HINT}", pytrace=False)
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()
