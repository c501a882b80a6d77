"""Japan's 47 prefectures: JIS X 0401 codes, names and regions.

The codes are those of JIS X 0401 (都道府県コード), ``'01'`` (Hokkaido) to ``'47'``
(Okinawa), kept as two-character strings so that leading zeros survive CSV round
trips. Regions are the eight conventional regions (地方区分) used by the Statistics
Bureau's summaries: Hokkaido, Tohoku, Kanto, Chubu, Kinki, Chugoku, Shikoku,
Kyushu-Okinawa.

:func:`normalise_prefecture` maps any common spelling -- ``東京``, ``東京都``,
``Tokyo``, ``tokyo-to``, ``13``, ``'13'`` -- to the code, and rejects anything
else with an error that quotes the input.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

# (code, full Japanese name, English name, region in English)
_PREFECTURES: tuple[tuple[str, str, str, str], ...] = (
    ("01", "北海道", "Hokkaido", "Hokkaido"),
    ("02", "青森県", "Aomori", "Tohoku"),
    ("03", "岩手県", "Iwate", "Tohoku"),
    ("04", "宮城県", "Miyagi", "Tohoku"),
    ("05", "秋田県", "Akita", "Tohoku"),
    ("06", "山形県", "Yamagata", "Tohoku"),
    ("07", "福島県", "Fukushima", "Tohoku"),
    ("08", "茨城県", "Ibaraki", "Kanto"),
    ("09", "栃木県", "Tochigi", "Kanto"),
    ("10", "群馬県", "Gunma", "Kanto"),
    ("11", "埼玉県", "Saitama", "Kanto"),
    ("12", "千葉県", "Chiba", "Kanto"),
    ("13", "東京都", "Tokyo", "Kanto"),
    ("14", "神奈川県", "Kanagawa", "Kanto"),
    ("15", "新潟県", "Niigata", "Chubu"),
    ("16", "富山県", "Toyama", "Chubu"),
    ("17", "石川県", "Ishikawa", "Chubu"),
    ("18", "福井県", "Fukui", "Chubu"),
    ("19", "山梨県", "Yamanashi", "Chubu"),
    ("20", "長野県", "Nagano", "Chubu"),
    ("21", "岐阜県", "Gifu", "Chubu"),
    ("22", "静岡県", "Shizuoka", "Chubu"),
    ("23", "愛知県", "Aichi", "Chubu"),
    ("24", "三重県", "Mie", "Kinki"),
    ("25", "滋賀県", "Shiga", "Kinki"),
    ("26", "京都府", "Kyoto", "Kinki"),
    ("27", "大阪府", "Osaka", "Kinki"),
    ("28", "兵庫県", "Hyogo", "Kinki"),
    ("29", "奈良県", "Nara", "Kinki"),
    ("30", "和歌山県", "Wakayama", "Kinki"),
    ("31", "鳥取県", "Tottori", "Chugoku"),
    ("32", "島根県", "Shimane", "Chugoku"),
    ("33", "岡山県", "Okayama", "Chugoku"),
    ("34", "広島県", "Hiroshima", "Chugoku"),
    ("35", "山口県", "Yamaguchi", "Chugoku"),
    ("36", "徳島県", "Tokushima", "Shikoku"),
    ("37", "香川県", "Kagawa", "Shikoku"),
    ("38", "愛媛県", "Ehime", "Shikoku"),
    ("39", "高知県", "Kochi", "Shikoku"),
    ("40", "福岡県", "Fukuoka", "Kyushu-Okinawa"),
    ("41", "佐賀県", "Saga", "Kyushu-Okinawa"),
    ("42", "長崎県", "Nagasaki", "Kyushu-Okinawa"),
    ("43", "熊本県", "Kumamoto", "Kyushu-Okinawa"),
    ("44", "大分県", "Oita", "Kyushu-Okinawa"),
    ("45", "宮崎県", "Miyazaki", "Kyushu-Okinawa"),
    ("46", "鹿児島県", "Kagoshima", "Kyushu-Okinawa"),
    ("47", "沖縄県", "Okinawa", "Kyushu-Okinawa"),
)

REGIONS_EN: tuple[str, ...] = (
    "Hokkaido",
    "Tohoku",
    "Kanto",
    "Chubu",
    "Kinki",
    "Chugoku",
    "Shikoku",
    "Kyushu-Okinawa",
)
"""The eight regions, north to south."""

_SUFFIXES_EN = ("-ken", "-to", "-fu", " prefecture", " ken", " to", " fu")


def _short_name(name_ja: str) -> str:
    """Drop the 都/府/県 suffix (北海道 keeps 道, as it is usually written whole)."""
    if name_ja == "北海道":
        return name_ja
    return name_ja[:-1]


def prefectures() -> pd.DataFrame:
    """Return the 47 prefectures, one row each, in JIS X 0401 order.

    Returns
    -------
    pandas.DataFrame
        Columns:

        - ``pref_code`` (str): JIS X 0401 code, ``'01'``–``'47'``.
        - ``pref_name_ja`` (str): full Japanese name (``東京都``).
        - ``pref_short_ja`` (str): name without 都/府/県 (``東京``; ``北海道`` stays whole).
        - ``pref_name_en`` (str): English name without suffix (``Tokyo``).
        - ``region_en`` (str): one of :data:`REGIONS_EN`.
    """
    rows = [
        {
            "pref_code": code,
            "pref_name_ja": ja,
            "pref_short_ja": _short_name(ja),
            "pref_name_en": en,
            "region_en": region,
        }
        for code, ja, en, region in _PREFECTURES
    ]
    return pd.DataFrame(rows)


def _lookup() -> dict[str, str]:
    """Map every accepted spelling (normalised) to its code."""
    table: dict[str, str] = {}
    for code, ja, en, _region in _PREFECTURES:
        for key in (code, str(int(code)), ja, _short_name(ja), en.lower()):
            table[key] = code
    return table


_LOOKUP = _lookup()


def _clean(name: str) -> str:
    """NFKC-normalise, trim and lower-case; strip English suffixes."""
    text = unicodedata.normalize("NFKC", name).strip().lower()
    text = re.sub(r"\s+", " ", text)
    for suffix in _SUFFIXES_EN:
        if text.endswith(suffix) and text[: -len(suffix)] in _LOOKUP:
            return text[: -len(suffix)]
    return text


def normalise_prefecture(name: str | int) -> str:
    """Map a prefecture name or code to its JIS X 0401 code.

    Parameters
    ----------
    name : str or int
        ``東京都``, ``東京``, ``Tokyo``, ``Tokyo-to``, ``13``, ``'13'`` or a
        full-width form (``１３``) -- all give ``'13'``.

    Returns
    -------
    str
        The two-character code, ``'01'``–``'47'``.

    Raises
    ------
    ValueError
        If the input is not one of the 47 prefectures; the message quotes it.
    """
    if isinstance(name, bool) or not isinstance(name, str | int):
        raise ValueError(f"not a prefecture name or code: {name!r}")
    key = _clean(str(name))
    try:
        return _LOOKUP[key]
    except KeyError:
        raise ValueError(
            f"unknown prefecture {name!r}: expected one of the 47 prefectures "
            "(e.g. 東京都, 東京, Tokyo) or a JIS X 0401 code 1–47"
        ) from None
