"""Masking personal data in published free text (kotaku_gis.privacy)."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from kotaku_gis import privacy
from kotaku_gis.errors import CatalogError


@pytest.mark.parametrize(
    "text,masked,kinds",
    [
        ("WA 0812-3456-7890.", "WA [telepon].", {"telepon": 1}),
        ("hp 081234567890", "hp [telepon]", {"telepon": 1}),
        ("telp (0561) 734567", "telp [telepon]", {"telepon": 1}),
        ("+62 812 3456 7890", "[telepon]", {"telepon": 1}),
        ("6281234567890", "[telepon]", {"telepon": 1}),
        ("NIK 6171045508900003", "NIK [NIK]", {"nik": 1}),
        ("KTP 6171 0455 0890 0003", "KTP [NIK]", {"nik": 1}),
        ("NIK: 6171.0455.0890.0003;", "NIK: [NIK];", {"nik": 1}),
        ("rekening BRI 1234567890123", "rekening BRI [nomor]", {"nomor": 1}),
        ("hp 812-3456-7890", "hp [nomor]", {"nomor": 1}),  # without its 0: still masked
        ("surel: Budi.S_77@mail.example.co.id", "surel: [email]", {"email": 1}),
        ("budi [at] gmail [dot] com", "[email]", {"email": 1}),
        ("budi(at)gmail.com", "[email]", {"email": 1}),
        ("budi at gmail dot com", "[email]", {"email": 1}),
        ("ig @budi_santoso.", "ig [akun].", {"akun": 1}),
    ],
)
def test_personal_data_is_masked(text, masked, kinds):
    s = privacy.screen(text)
    assert (s.text, s.counts) == (masked, kinds)


@pytest.mark.parametrize(
    "text",
    [
        "Dana BDI Rp 350.000.000 dan Rp 1.250.000.000,- untuk 3 KSM",
        "jalan paving 150 m, lebar 2,5 m; drainase 0,6 x 0,8 m",
        "lokasi 61.71.04.1001 (RT 003/RW 012), kode 6171",
        "rapat tanggal 2026-07-01 10.30 dan 01/07/2026 jam 10:30, lalu 12.03.2026",
        "tahap 2 tahun 2026, 45 KK, 12 unit",
        "harga @ Rp 50.000",
    ],
)
def test_ordinary_numbers_and_text_are_kept(text):
    assert privacy.screen(text).text == text


def test_names_and_contacts_given_are_masked_case_insensitively():
    s = privacy.screen("Bu SITI lapor. Siti Rahmawati bisa dihubungi lewat Jl. Merdeka 12.",
                       names=["Ibu Siti Rahmawati"], terms=["Jl. Merdeka 12"])  # fmt: skip
    assert s.text == "Bu [nama] lapor. [nama] bisa dihubungi lewat [kontak]."
    assert s.counts == {"kontak": 1, "nama": 2}
    # titles and short words of the name are not masked by themselves
    assert privacy.redact("Ibu Ani datang", names=["Ibu Ani"]) == "[nama] datang"
    assert privacy.redact("Ani dan ibu datang", names=["Ibu Ani"]) == "[nama] dan ibu datang"
    assert privacy.redact("Ibu datang", names=["Ibu Ani"]) == "Ibu datang"
    assert privacy.redact("Al datang", names=["Al"]) == "Al datang"  # shorter than name_min_letters
    assert privacy.redact("Al datang", names=["Al"] * 2) == "Al datang"


def test_missing_values_and_series():
    values = pd.Series(["0812 3456 7890", None, float("nan"), "aman"])
    out = privacy.redact_series(values)
    assert out.tolist() == ["[telepon]", None, None, "aman"]
    assert privacy.redact(None) is None and privacy.findings(None) == {}


_pieces = st.sampled_from(
    ["0812-3456-7890", "+62 812 3456 7890", "6171045508900003", "budi@mail.com", "x [at] y [dot] com",
     "@akun_x", "Rp 350.000.000", "2026-07-01", "01/07/2026", "10.30", " ", ", ", ". ", "(", ")", "-", "0", "62",
     "jalan", "RT 03/RW 02", "Siti", "\x00"]
)  # fmt: skip


@hsettings(max_examples=300, deadline=None)
@given(st.lists(_pieces | st.text(alphabet="0123456789 .-+()@abc", max_size=12), max_size=12).map("".join))
def test_screening_is_idempotent_and_leaves_nothing_to_find(text):
    once = privacy.screen(text, names=["Siti Aminah"])
    assert privacy.screen(once.text, names=["Siti Aminah"]).text == once.text
    assert privacy.findings(once.text) == {}
    for secret in ("6171045508900003", "0812-3456-7890", "812 3456 7890", "@mail.com", "[dot] com", "akun_x"):
        assert secret not in once.text


@pytest.mark.usefixtures("english")
def test_malformed_rules_are_a_clear_error(tmp_path):
    bad = tmp_path / "data_pribadi.yml"
    shutil.copy(privacy.RULES_PATH, bad)
    bad.write_text(bad.read_text(encoding="utf-8").replace('nik: "[NIK]"', 'nik: "[NIK 16]"'), encoding="utf-8")
    with pytest.raises(CatalogError, match="idempotent"):
        privacy.rules(bad)
