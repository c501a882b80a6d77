import pandas as pd
import pytest

from analysis.prefectures import REGIONS_EN, normalise_prefecture, prefectures


def test_table_has_47_unique_codes_in_order():
    df = prefectures()
    assert len(df) == 47
    assert df["pref_code"].tolist() == [f"{i:02d}" for i in range(1, 48)]
    assert df["pref_name_ja"].is_unique
    assert df["pref_name_en"].is_unique
    assert set(df["region_en"]) == set(REGIONS_EN)


@pytest.mark.parametrize(
    ("code", "ja", "short", "en"),
    [
        ("01", "北海道", "北海道", "Hokkaido"),
        ("13", "東京都", "東京", "Tokyo"),
        ("26", "京都府", "京都", "Kyoto"),
        ("27", "大阪府", "大阪", "Osaka"),
        ("47", "沖縄県", "沖縄", "Okinawa"),
    ],
)
def test_known_rows(code, ja, short, en):
    row = prefectures().set_index("pref_code").loc[code]
    assert (row["pref_name_ja"], row["pref_short_ja"], row["pref_name_en"]) == (ja, short, en)


@pytest.mark.parametrize(
    "spelling",
    ["東京", "東京都", "Tokyo", "tokyo", "Tokyo-to", "TOKYO", "13", 13, "１３", " 東京都 "],
)
def test_spellings_of_tokyo(spelling):
    assert normalise_prefecture(spelling) == "13"


def test_codes_with_leading_zero():
    assert normalise_prefecture("1") == "01"
    assert normalise_prefecture("01") == "01"
    assert normalise_prefecture("Hokkaido") == "01"
    assert normalise_prefecture("北海道") == "01"


def test_every_full_and_short_name_round_trips():
    df = prefectures()
    for col in ("pref_name_ja", "pref_short_ja", "pref_name_en", "pref_code"):
        assert df[col].map(normalise_prefecture).tolist() == df["pref_code"].tolist()


@pytest.mark.parametrize("bad", ["その他", "東京県", "Edo", "48", 0, "", True, None])
def test_unknown_names_are_rejected_with_the_input_quoted(bad):
    with pytest.raises(ValueError, match=repr(bad).replace("(", r"\(").replace(")", r"\)")):
        normalise_prefecture(bad)


def test_frame_dtypes_are_strings():
    df = prefectures()
    assert all(pd.api.types.is_string_dtype(df[c]) for c in df.columns)
