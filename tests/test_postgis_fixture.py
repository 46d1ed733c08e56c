"""The test fixtures themselves: the session's PostGIS server and the per-test databases."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

_seen_databases: list[str] = []


def test_postgis_server_answers(postgis_url):
    assert postgis_url.startswith("postgresql+psycopg://postgres@127.0.0.1:")
    engine = sa.create_engine(postgis_url)
    try:
        with engine.connect() as conn:
            version = conn.execute(sa.text("SELECT postgis_full_version()")).scalar()
            area = conn.execute(
                sa.text("SELECT ST_Area(ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 1,0 0))'))")
            ).scalar()
            server = conn.execute(sa.text("SHOW server_version_num")).scalar()
    finally:
        engine.dispose()
    assert version.startswith('POSTGIS="3'), version
    assert area == 1.0
    assert int(server) >= 130000


@pytest.mark.parametrize("run", [1, 2])
def test_each_test_gets_its_own_empty_database(postgis_url, run):
    engine = sa.create_engine(postgis_url)
    try:
        with engine.begin() as conn:
            name = conn.execute(sa.text("SELECT current_database()")).scalar()
            tables = conn.execute(
                sa.text(
                    "SELECT table_schema || '.' || table_name FROM information_schema.tables "
                    "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1"
                )
            ).scalars().all()
            rows = conn.execute(sa.text("SELECT count(*) FROM spatial_ref_sys")).scalar()
            # Leave something behind: the next test must not see it.
            conn.execute(sa.text("CREATE TABLE leftover (id int PRIMARY KEY, geom geometry(Point, 4326))"))
            conn.execute(sa.text("INSERT INTO leftover VALUES (1, ST_SetSRID(ST_MakePoint(109.3, -0.05), 4326))"))
    finally:
        engine.dispose()
    assert name not in _seen_databases, f"database {name} was handed out twice"
    assert name != "kotaku_template"
    # Only what CREATE EXTENSION postgis makes: no table from an earlier test, nor from the template.
    assert "public.leftover" not in tables
    assert set(tables) <= {"public.spatial_ref_sys", "public.geometry_columns", "public.geography_columns"}
    assert rows > 1000  # the EPSG definitions are there (ST_Transform works)
    _seen_databases.append(name)


def test_store_url_covers_both_backends(store_url, request):
    backend = request.node.callspec.params["store_url"]
    if backend == "gpkg":
        assert store_url.endswith("kotaku.gpkg")
        assert not Path(store_url).exists()
        assert request.node.get_closest_marker("postgis") is None
    else:
        assert store_url.startswith("postgresql+psycopg://")
        assert request.node.get_closest_marker("postgis") is not None


def test_gpkg_url_is_a_fresh_path(gpkg_url, tmp_path):
    assert Path(gpkg_url) == tmp_path / "kotaku.gpkg"
    assert not Path(gpkg_url).exists()
