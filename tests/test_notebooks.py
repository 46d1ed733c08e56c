"""The notebooks in ``notebooks/``: stored clean, and run top to bottom against the embedded sample.

Every notebook builds its own sample store in a temporary folder (``kotaku_gis.build_sample_store``)
and ends with an ``assert`` on a result it computed, so running it is its test. The store is a
GeoPackage unless the environment variable ``KOTAKU_NOTEBOOK_DB`` names another one: the quick
start (01) runs a second time against PostGIS that way.

The kernel runs with the notebooks' folder as its working folder (as Jupyter opens them) and with
``TMPDIR`` pointing into pytest's temporary folder, so what a notebook writes lands there and is
cleaned up; the test also checks that the notebooks' folder is left as it was.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
ENV_VAR = "KOTAKU_NOTEBOOK_DB"
CELL_TIMEOUT_S = 120


def _ids(paths: list[Path]) -> list[str]:
    return [p.stem for p in paths]


def _code_cells(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        nb = json.load(f)
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def _source(cell: dict) -> str:
    src = cell["source"]
    return src if isinstance(src, str) else "".join(src)


def test_notebooks_exist():
    prefixes = [p.name[:3] for p in NOTEBOOKS]
    assert prefixes[:4] == ["01_", "02_", "03_", "04_"], [p.name for p in NOTEBOOKS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_stored_without_outputs(path: Path):
    """Outputs and execution counts are cleared before a notebook is committed."""
    dirty = [
        i for i, c in enumerate(_code_cells(path)) if c.get("outputs") or c.get("execution_count") is not None
    ]
    assert not dirty, (
        f"{path.name}: code cells {dirty} hold outputs or execution counts; clear them "
        f"(jupyter nbconvert --clear-output --inplace {path.relative_to(NOTEBOOK_DIR.parent)})"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_ends_with_an_assert_and_reads_only_the_repository(path: Path):
    cells = _code_cells(path)
    assert cells, f"{path.name}: no code cells"
    assert re.search(r"^assert\b", _source(cells[-1]), re.MULTILINE), (
        f"{path.name}: the last code cell must assert on a result the notebook computed"
    )
    for cell in cells:
        src = _source(cell)
        # the sample comes from kotaku_gis.demo.data_dir(); nothing outside the repository is read
        assert "../" not in src and "shared" not in src, f"{path.name}: reads outside the repository:\n{src}"
        assert not re.search(r"""["'](/|[A-Za-z]:\\)""", src), f"{path.name}: absolute path in:\n{src}"


def _execute(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store_url: str | None) -> float:
    # the `test` extra installs these; a missing one is a failure, not a skip
    import nbclient
    import nbclient.exceptions
    import nbformat

    if store_url is None:
        monkeypatch.delenv(ENV_VAR, raising=False)
    else:
        monkeypatch.setenv(ENV_VAR, store_url)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))  # the kernel's tempfile.mkdtemp() lands here

    before = sorted(p.name for p in NOTEBOOK_DIR.iterdir())
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        timeout=CELL_TIMEOUT_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
    )
    t0 = time.perf_counter()
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as exc:
        pytest.fail(f"{path.name} failed:\n{exc}", pytrace=False)
    seconds = time.perf_counter() - t0
    after = sorted(p.name for p in NOTEBOOK_DIR.iterdir())
    assert after == before, f"{path.name} wrote into the repository: {sorted(set(after) - set(before))}"
    return seconds


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_runs_on_the_sample(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    seconds = _execute(path, tmp_path, monkeypatch, None)
    print(f"{path.name}: {seconds:.1f} s")


def test_quick_start_runs_on_postgis(postgis_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = NOTEBOOK_DIR / "01_quick_start.ipynb"
    seconds = _execute(path, tmp_path, monkeypatch, postgis_url)
    print(f"{path.name} on PostGIS: {seconds:.1f} s")
    import kotaku_gis as kg

    with kg.connect(postgis_url) as store:  # the notebook worked in this database, not a GeoPackage
        assert store.kind == "PostGIS"
        assert store.periods("kawasan_kumuh") == ["2024", "2026Q2", "2026Q3"]
    assert not list((tmp_path / "tmp").rglob("*.gpkg")), "the notebook made a GeoPackage store instead"
