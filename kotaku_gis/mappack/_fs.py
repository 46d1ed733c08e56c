"""File-system mechanics of a map pack: a run lock, atomic writes, hard links, reproducible zips, and
the atomic switch of the published pack.

Publishing
    A pack is assembled in a staging folder next to the published one (same file system) and then
    swapped in with one ``renameat2(RENAME_EXCHANGE)`` (Linux 3.15+): at every instant the pack's
    path holds either the complete previous pack or the complete new one. Where the exchange is not
    available (another OS, a file system without it) the previous pack is first renamed to a
    *trash* name and the new one renamed into place; a run interrupted between the two renames is
    repaired by the next run (:func:`recover`), which puts the previous pack back.

Hard links
    Files of units that did not change are hard links to the files in the work area, never copies,
    and a file once linked is never opened for writing again (everything is written to a new file
    and renamed over the old name): the published pack and the work area cannot change each other.
    Where hard links are not possible (FAT/exFAT drives) files are copied.

Examples
--------
>>> import tempfile, pathlib
>>> from kotaku_gis.mappack import _fs as fs
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "a.txt").write_text("isi")
>>> z1 = fs.write_zip(d / "1.zip", [("x/a.txt", d / "a.txt"), ("x/b.txt", b"teks")])
>>> z2 = fs.write_zip(d / "2.zip", [("x/b.txt", b"teks"), ("x/a.txt", d / "a.txt")])
>>> fs.sha256_file(z1) == fs.sha256_file(z2)      # same entries, same bytes
True
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import os
import shutil
import zipfile
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

#: Date and time written for every zip entry (zips of the same files are the same bytes).
ZIP_DATE = (2020, 1, 1, 0, 0, 0)
#: Entries stored without compression (already compressed).
STORED_SUFFIXES = (".png", ".xlsx", ".zip", ".gpkg")

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def sha256_file(path: str | Path) -> str:
    """SHA-256 of a file's bytes (hex)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def sha256_tree(*roots: Path) -> str:
    """SHA-256 of the relative paths and contents of every file under ``roots`` (compiled Python
    caches left out): any file added, removed, renamed or edited changes it."""
    h = hashlib.sha256()
    for root in roots:
        for p in sorted(Path(root).rglob("*")):
            if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".pyc", ".pyo"):
                h.update(f"{Path(root).name}/{p.relative_to(root).as_posix()}\0{sha256_file(p)}\0".encode())
    return h.hexdigest()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_bytes(path: Path, data: bytes) -> Path:
    """Write ``data`` to a new file and rename it to ``path`` (never writes into an existing file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)
    return path


def write_text(path: Path, text: str) -> Path:
    return write_bytes(path, text.encode("utf-8"))


def link_or_copy(src: Path, dst: Path) -> None:
    """Hard-link ``src`` to ``dst`` (a new name; copy where links are not possible)."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


def write_zip(path: Path, entries: Iterable[tuple[str, Path | bytes]]) -> Path:
    """A zip of ``entries`` (name in the zip, file or bytes), sorted by name, with fixed dates: the
    same entries always give the same bytes. Written to a new file, then renamed to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with zipfile.ZipFile(tmp, "w") as zf:
        for name, source in sorted(entries, key=lambda e: e[0]):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.external_attr = 0o644 << 16
            stored = name.lower().endswith(STORED_SUFFIXES)
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            if isinstance(source, bytes):
                zf.writestr(info, source, compresslevel=None if stored else 6)
            else:
                with open(source, "rb") as src, zf.open(info, "w") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
    os.replace(tmp, path)
    return path


# -- lock --------------------------------------------------------------------------------------------
class Lock:
    """An exclusive lock on a file, held while the ``with`` block runs; released by the OS when the
    process ends, however it ends. ``acquire`` returns False when another process holds it."""

    def __init__(self, path: Path):
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:  # pragma: no cover - Windows: msvcrt
            import msvcrt

            try:
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]  # Windows only
            except OSError:
                os.close(fd)
                return False
        except OSError:
            os.close(fd)
            return False
        self._fd = fd
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        return True

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> Lock:
        return self

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.release()


# -- publishing --------------------------------------------------------------------------------------
def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (``renameat2(RENAME_EXCHANGE)``); False where not available."""
    if os.name != "posix":  # pragma: no cover
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):  # pragma: no cover - old C library
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    return fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0


def publish(staging: Path, target: Path, trash: Path) -> str:
    """Make ``staging`` the folder at ``target``; the previous content of ``target`` is removed.

    Returns how: ``"rename"`` (no previous pack), ``"exchange"`` (atomic swap) or ``"two_renames"``.
    """
    if not target.exists() and not target.is_symlink():
        os.rename(staging, target)
        return "rename"
    if _exchange(staging, target):
        shutil.rmtree(staging, ignore_errors=True)  # holds the previous pack now
        return "exchange"
    shutil.rmtree(trash, ignore_errors=True)
    os.rename(target, trash)
    os.rename(staging, target)
    shutil.rmtree(trash, ignore_errors=True)
    return "two_renames"


def recover(target: Path, trash: Path) -> bool:
    """Repair a publication interrupted between its two renames: put the previous pack back.

    Returns True when something was repaired.
    """
    if trash.exists() and not target.exists():
        os.rename(trash, target)
        return True
    if trash.exists():
        shutil.rmtree(trash, ignore_errors=True)
    return False


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
