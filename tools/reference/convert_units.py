#!/usr/bin/env python3
"""Converts the shared administrative-unit data into the TSV files under storage/reference/.

Run once when the source data changes; the output is committed and embedded into dancu_storage
at build time (see storage/CMakeLists.txt). Output is deterministic: rows sorted by code.

    tools/reference/convert_units.py [SHARED_DATA_DIR] [OUTPUT_DIR]

SHARED_DATA_DIR defaults to ../shared/data beside the repository, OUTPUT_DIR to storage/reference.
"""
import json
import pathlib
import re
import sys
import unicodedata

REPO = pathlib.Path(__file__).resolve().parents[2]
SOURCE = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared" / "data"
OUTPUT = pathlib.Path(sys.argv[2]) if len(sys.argv) > 2 else REPO / "storage" / "reference"


def load(relative):
    with open(SOURCE / "admin-units" / relative, encoding="utf-8") as f:
        return json.load(f)


def clean(text):
    """NFC, with runs of spaces collapsed and trimmed (a few source names carry stray spaces)."""
    if any(c in text for c in "\t\r\n"):
        raise ValueError(f"control character in {text!r}")
    return unicodedata.normalize("NFC", re.sub(" +", " ", text).strip())


def write(name, header, rows):
    with open(OUTPUT / name, "w", encoding="utf-8", newline="\n") as f:
        f.write("# " + "\t".join(header) + "\n")
        for row in rows:
            f.write("\t".join(clean(cell) for cell in row) + "\n")
    print(f"{name}: {len(rows)} rows")


def units_2023():
    levels = [("tinh_tp.json", "province"), ("quan_huyen.json", "district"),
              ("xa_phuong.json", "commune")]
    rows = []
    for file, level in levels:
        for code, unit in load(f"2023/{file}").items():
            assert code == unit["code"], code
            rows.append((code, level, unit.get("parent_code", ""), unit["name_with_type"]))
    return sorted(rows)


def units_and_merges_2025():
    units, merges = [], []
    for province in load("2025/merges.json")["data"]:
        code = province["level1_id"]
        units.append((code, "province", "", province["name"]))
        merges += [(code, old["old_id"], old["type"]) for old in province["merges"]]
        for commune in province["level2s"]:
            units.append((commune["level2_id"], "commune", code, commune["name"]))
            merges += [(commune["level2_id"], old["old_id"], old["type"])
                       for old in commune["merges"]]
    assert all(kind in ("full", "partial") for _, _, kind in merges)
    return sorted(units), sorted(merges)


def main():
    write("units_2023.tsv", ("code", "level", "parent_code", "name_with_type"), units_2023())
    units, merges = units_and_merges_2025()
    write("units_2025.tsv", ("code", "level", "parent_code", "name"), units)
    write("merges_2025.tsv", ("new_code", "old_code", "full|partial"), merges)


if __name__ == "__main__":
    main()
