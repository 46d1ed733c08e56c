"""The layer catalogue: typed specs read from the declarative files in ``layers/``.

Each layer is one YAML file (``layers/<name>.yml``) giving its geometry type, key, columns with
types, allowed values and units, bilingual descriptions and map style. Column mappings for users'
own files (for example WDPA) are in ``layers/mappings/``. The code reads the catalogue and never
repeats it: the store schema, the loader's validation and the map legends all derive from these specs.

Examples
--------
>>> from kotaku_gis import catalog
>>> spec = catalog.layer("kegiatan")
>>> spec.key
['id_kegiatan', 'periode']
>>> spec.column("status").codes()
['rencana', 'pelaksanaan', 'selesai']
>>> sorted(catalog.layer_names())
['kawasan_kumuh', 'kawasan_lindung', 'kegiatan', 'pengaduan', 'tindak_lanjut', 'wilayah']
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import PrivateAttr, model_validator

from kotaku_gis import i18n, settings
from kotaku_gis._datafile import FrozenModel, invalid, read_model
from kotaku_gis.errors import CatalogError, UsageError

ColumnType = Literal["text", "kode", "periode", "integer", "float", "boolean", "date"]
#: ``multipolygon_or_point``: delineated features as MultiPolygons, and features known only as a point
#: (a coordinate, or the kelurahan holding them) kept as points; the layer's ``delineasi`` column says which.
GeometryKind = Literal["point", "linestring", "multipolygon", "multipolygon_or_point", "any"]

#: Regular expression of a period: a year (``2024``) or a quarter (``2026Q3``).
PERIODE_PATTERN = r"^(19|20)\d\d(Q[1-4])?$"


_Spec = FrozenModel


class Text(_Spec):
    """Bilingual text: Bahasa Indonesia (``id``) and English (``en``)."""

    id: str
    en: str

    def __call__(self, lang: str | None = None) -> str:
        return i18n.label({"id": self.id, "en": self.en}, lang)


class Value(_Spec):
    """One value of a vocabulary, with its labels and the attributes rules read from it."""

    code: str
    id: str
    en: str
    #: BDI negative-list item that applies to this value by itself (``"1"``, ``"9a"``, ``"6a"``...).
    aturan: str | None = None
    #: KOTAKU 7+1 aspect served (1-7 the slum aspects, 8 public open space).
    aspek: int | None = None
    #: Groups the value belongs to for rules (``jalan``, ``sumber_daya_air``).
    tags: list[str] = []
    #: Shape of a protected feature: ``area``, ``garis`` (line) or ``titik`` (point).
    bentuk: Literal["area", "garis", "titik"] | None = None

    def label(self, lang: str | None = None) -> str:
        return i18n.label({"id": self.id, "en": self.en}, lang)


class ColumnSpec(_Spec):
    """One attribute column of a layer."""

    name: str
    type: ColumnType
    description: Text
    required: bool = False
    unit: str | None = None
    min: float | None = None
    max: float | None = None
    values: list[Value] | None = None
    #: The level a ``kode`` column must name (``kelurahan`` for ``kode_kelurahan``).
    tingkat: Literal["provinsi", "kabkota", "kecamatan", "kelurahan"] | None = None
    #: How the loader fills the column when the file leaves it empty (see ``load``).
    derived: Literal["tingkat_from_kode", "induk_from_kode", "area_ha", "delineasi"] | None = None
    default: Any = None
    #: Free text that is published: every write masks the personal data in it (phone numbers,
    #: e-mail addresses, NIK; see :mod:`kotaku_gis.privacy`), so the store never holds them here.
    redact: bool = False
    #: The column holds a file's official value of what the project computes as this other column
    #: (``tingkat_resmi`` of ``tingkat_kekumuhan``): kept as given, compared on loading, the load
    #: report counting the rows that agree.
    official_of: str | None = None

    def codes(self) -> list[str]:
        """The allowed values, or an empty list for a free column."""
        return [v.code for v in self.values or []]

    def value(self, code: str) -> Value:
        """The vocabulary entry of ``code``."""
        for v in self.values or []:
            if v.code == code:
                return v
        raise UsageError(i18n.text("catalog.not_a_value", code=repr(code), column=self.name, known=", ".join(self.codes())))


class Style(FrozenModel):
    """Map style of a layer (Leaflet path options); ``by``/``colors`` colour by a column."""

    stroke: str
    weight: float = 1
    fill: str | None = None
    fill_opacity: float = 0.4
    radius: float | None = None
    dash: str | None = None
    by: str | None = None
    colors: dict[str, str] | None = None


class LayerSpec(_Spec):
    """A layer of the catalogue."""

    name: str
    title: Text
    description: Text
    geometry: GeometryKind
    key: list[str]
    #: Column whose values a load replaces as a whole (``periode``); None: a load replaces rows by key.
    partition: str | None = None
    #: Each row must carry every column of at least one group (e.g. 16 criteria, or the total).
    complete_one_of: dict[str, list[str]] | None = None
    columns: list[ColumnSpec]
    style: Style
    #: Layer-specific checks the loader runs after the generic ones (see ``loader._VALIDATORS``).
    validators: list[Literal["penilaian_kekumuhan"]] = []
    #: The command that alone writes the layer (``pengaduan``: its status workflow and the
    #: complainant's identity, kept apart); ``load`` refuses such a layer. None: loaded from files.
    managed_by: Literal["pengaduan", "tindaklanjut"] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> LayerSpec:
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise invalid("catalog.column_names_repeat")
        referenced = list(self.key) + ([self.partition] if self.partition else [])
        for group in (self.complete_one_of or {}).values():
            referenced += group
        if self.style.by and self.style.by not in names:
            pass  # styles may colour by a derived analysis column (e.g. tingkat_kekumuhan)
        missing = [r for r in referenced if r not in names]
        if missing:
            raise invalid("catalog.key_partition_groups", missing=missing)
        return self

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> ColumnSpec:
        """The spec of column ``name``."""
        for c in self.columns:
            if c.name == name:
                return c
        raise UsageError(i18n.text("catalog.no_column", layer=self.name, column=repr(name)))

    def kode_columns(self) -> list[ColumnSpec]:
        return [c for c in self.columns if c.type == "kode"]


class RowFilter(_Spec):
    """Rows kept or skipped by the values of one source column (skipped rows are counted per value).

    Exactly one of ``keep`` (only rows with these values load) and ``skip`` (rows with these
    values do not). Values compare as text with surrounding spaces removed, case-insensitively;
    a number written ``1001.0`` compares as ``1001``; ``*`` and ``?`` are wildcards (``5*``).
    """

    column: str
    keep: list[str] | None = None
    skip: list[str] | None = None
    #: Why the rows are skipped, shown in the load report.
    reason: Text | None = None
    #: Apply only when the file has the column (reported when it has not); else an absent column
    #: is an error.
    if_present: bool = False

    @model_validator(mode="after")
    def _one_list(self) -> RowFilter:
        if (self.keep is None) == (self.skip is None):
            raise invalid("catalog.exactly_one_keep")
        return self


class CodeFromName(_Spec):
    """Kemendagri kelurahan codes converted from names (files whose own codes are not Kemendagri's).

    The kelurahan name is looked up among the stored ``wilayah`` kelurahan of the kab/kota (spacing,
    case and punctuation ignored, then one differing letter), the kecamatan name breaking ties.
    Every conversion that was not exact and every failure is reported.
    """

    #: Catalogue column that receives the code.
    target: str = "kode_kelurahan"
    #: Source column holding the kelurahan/desa name.
    kelurahan: str
    #: Source column holding the kecamatan name (tie-breaker; optional).
    kecamatan: str | None = None
    #: Source column whose first four digits are the Kemendagri kab/kota code (SIM KOTAKU codes
    #: ``61710401``: province 61, kab/kota 71); without it the whole stored ``wilayah`` (or ``--kode``).
    kabkota: str | None = None
    #: Pairs {column: other column}: the first column's digits must begin the other's (``Kode_Kec``
    #: and ``Kode_Kel``); a row where they do not is a warning (the file's codes disagree).
    prefix_of: dict[str, str] = {}


class TableSpec(_Spec):
    """How to read a CSV/XLSX table that a mapping is written for.

    ``layout: annex`` reads a sheet laid out for people (title row, one- or two-row header with merged
    cells, merged-down cells, formulas; :mod:`kotaku_gis._lampiran`); ``plain`` a table whose first
    row is the header. ``lon``/``lat`` name the coordinate columns (decimal degrees, decimal comma
    or DMS such as ``0°02'05"S``); without them the rows have no geometry (a slum location is then
    placed in its kelurahan).
    """

    layout: Literal["plain", "annex"] = "plain"
    sheet: str | None = None
    lon: str | None = None
    lat: str | None = None

    @model_validator(mode="after")
    def _pair(self) -> TableSpec:
        if (self.lon is None) != (self.lat is None):
            raise invalid("catalog.both_lon_lat")
        return self


class Mapping(_Spec):
    """A column mapping from a foreign file format (such as WDPA) to a catalogue layer.

    ``columns``: column in the file -> catalogue column (a name the file lacks is an error, found
    ignoring case and spacing); ``values``: per catalogue column, the file's values -> catalogue
    codes; ``constants``: catalogue column -> the value of every row (the file must not have that
    column); ``defaults``: catalogue column -> the value of every empty cell (and of every row when
    the file lacks the column).

    Examples
    --------
    >>> m = Mapping(layer="kawasan_kumuh", columns={"luas_awal": "luas_ha"},
    ...             templates={"id_lokasi": "{Kode_Kel}-{Kode_RTRW}"}, merge_pieces=True)
    >>> m.template_columns()
    ['Kode_Kel', 'Kode_RTRW']
    """

    layer: str
    #: Source column -> catalogue column.
    columns: dict[str, str]
    constants: dict[str, Any] = {}
    defaults: dict[str, Any] = {}
    values: dict[str, dict[str, str]] = {}
    #: Layers of a KML/KMZ file to load, by name or pattern (``Kumuh_*``); ``--sumber-layer`` wins.
    source_layer: str | None = None
    #: How a CSV/XLSX file is read (header layout, coordinate columns); see :class:`TableSpec`.
    table: TableSpec | None = None
    #: Row filters, applied in order before anything else.
    filters: list[RowFilter] = []
    #: Source column -> values that mean "unknown" there (``WMAX: [0]``): read as empty cells.
    empty_values: dict[str, list[str]] = {}
    #: Catalogue column -> template over source columns (ids such as ``"{Kode_Kel}-{Kode_RTRW}"``,
    #: names); the placeholders ``{_baris}`` (row number) and ``{_geometri}`` (a fingerprint of the
    #: geometry) generate ids for files that have none. A template with an empty column gives an empty
    #: value.
    templates: dict[str, str] = {}
    #: Kemendagri codes converted from names (see :class:`CodeFromName`).
    kode_from_name: CodeFromName | None = None
    #: Rows that share the layer's key are pieces of one feature when every attribute agrees
    #: (geometries united, values counted once; identical rows are one); a disagreement is an error.
    merge_pieces: bool = False
    #: Source columns the mapping leaves out on purpose (aspect means the project recomputes, labels):
    #: not loaded and not reported as data left out.
    ignore: list[str] = []
    #: Boolean catalogue column set true for features that lie in a kota (kab/kota part 71-99 of the
    #: stored ``wilayah``) and left empty elsewhere (``perkotaan`` of rivers: the setback class).
    urban_from_place: str | None = None
    #: the file the mapping was read from, and the line of each key per section (for messages)
    _path: Path | None = PrivateAttr(default=None)
    _lines: dict[tuple[str, str], int] = PrivateAttr(default_factory=dict)

    @property
    def name(self) -> str:
        """The mapping file's name (``wdpa.yml``), as messages show it."""
        return self._path.name if self._path is not None else "<mapping>"

    def line(self, key: str, section: str = "columns") -> int | None:
        """The line (1-based) of ``key`` in ``section`` of the mapping file, when known."""
        return self._lines.get((section, key))

    @model_validator(mode="after")
    def _consistent(self) -> Mapping:
        for target, template in self.templates.items():
            try:
                _template_fields(template)
            except ValueError as exc:
                raise invalid("catalog.templates", target=target, exc=exc) from None
        return self

    def template_columns(self) -> list[str]:
        """Source columns the id templates read (placeholders starting with ``_`` excluded)."""
        out: list[str] = []
        for template in self.templates.values():
            out += [f for f in _template_fields(template) if not f.startswith("_") and f not in out]
        return out


def _template_fields(template: str) -> list[str]:
    """Placeholder names of a ``str.format`` template; ValueError for a malformed one."""
    import string

    fields = [name for _, name, spec, conv in string.Formatter().parse(template) if name is not None]
    if not fields:
        raise invalid("catalog.template_has_no", template=template)
    if any(not f or any(ch in f for ch in ".[]!:") for f in fields):
        raise invalid("catalog.template_placeholders_name", template=template)
    return fields


def catalog_path() -> Path:
    """The folder holding the catalogue files."""
    if settings.catalog_dir is not None:
        return Path(settings.catalog_dir)
    packaged = Path(__file__).with_name("_layers")  # inside an installed wheel
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "layers"  # source checkout


@cache
def _layers(folder: Path) -> dict[str, LayerSpec]:
    specs = {}
    for path in sorted(folder.glob("*.yml")):
        spec = read_model(path, LayerSpec, "layer catalogue")
        if spec.name != path.stem:
            raise CatalogError(i18n.text("catalog.name_differs", path=path, name=repr(spec.name)))
        specs[spec.name] = spec
    if not specs:
        raise CatalogError(i18n.text("catalog.no_layers", folder=folder))
    return specs


def layer_names() -> list[str]:
    """Names of the layers in the catalogue."""
    return list(_layers(catalog_path()))


def layer(name: str) -> LayerSpec:
    """The spec of layer ``name``; a :class:`UsageError` lists the known layers otherwise."""
    specs = _layers(catalog_path())
    if name not in specs:
        raise UsageError(i18n.text("catalog.unknown_layer", name=name, known=", ".join(sorted(specs))))
    return specs[name]


def mapping(name_or_path: str | Path) -> Mapping:
    """A column mapping: the name of one in ``layers/mappings`` or the path of a user's YAML file.

    Examples
    --------
    >>> mapping("wdpa").columns["WDPAID"]
    'id_kawasan'
    """
    path = Path(name_or_path)
    if not path.suffix:
        path = catalog_path() / "mappings" / f"{name_or_path}.yml"
    if not path.is_file():
        known = sorted(p.stem for p in (catalog_path() / "mappings").glob("*.yml"))
        raise UsageError(i18n.text("catalog.unknown_mapping", name=str(name_or_path), known=", ".join(known)))
    spec = read_model(path, Mapping, "column mapping")
    layer(spec.layer)  # the target must exist
    spec._path = path
    spec._lines = _key_lines(path)
    return spec


def _key_lines(path: Path) -> dict[tuple[str, str], int]:
    """(section, key) -> line number of every key one level down in a YAML mapping file."""
    with open(path, encoding="utf-8") as f:
        root = yaml.compose(f)
    lines = {}
    for section, body in getattr(root, "value", []):
        if isinstance(body, yaml.MappingNode):
            for key, _ in body.value:
                lines[(str(section.value), str(key.value))] = key.start_mark.line + 1
    return lines
