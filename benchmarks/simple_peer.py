"""The afternoon script: what a competent data person writes instead of adopting adcensus.

    python benchmarks/simple_peer.py ADS_CSV --phone Tel --name Pseudo --age Age --text Description

Ads that share a French phone number (found by `phonenumbers` in the phone cell, the
title or the text) are the same person. So are two ads whose folded pseudonyms are equal
or close (rapidfuzz ratio >= 90), whose ages differ by 2 years or less, and whose texts
agree (token_set_ratio >= 80). Persons are the connected components of those links.

It is the baseline adcensus must beat to be worth its complexity. It imports nothing
from adcensus, so it cannot share its mistakes.
"""

from __future__ import annotations

import argparse
import re
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import phonenumbers
from rapidfuzz import fuzz, process

NAME_RATIO = 90
TEXT_RATIO = 80
AGE_GAP = 2
REGION = "FR"
# POSSIBLE, not the default VALID: the benchmarks' numbers are in ARCEP's fiction blocks,
# which phonenumbers does not count as allocated, so VALID would find none of them.
LENIENCY = phonenumbers.Leniency.POSSIBLE
# Roles the script reads; a missing role is a rule it skips (no age column: no age test).
ROLES = ("phone", "name", "age", "title", "text")


class UnionFind:
    """Disjoint sets over 0..n-1, with path halving."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        """The representative of i's set."""
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        """Join the sets of i and j."""
        a, b = self.find(i), self.find(j)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def fold(text: str) -> str:
    """Lowercase letters and spaces only, accents removed: "Léa 💋" → "lea"."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.findall(r"[a-z]+", plain.lower()))


def french_phones(*cells: str) -> set[str]:
    """Every French number in the cells, as E.164 ("+33639981234")."""
    found = set()
    for cell in cells:
        if not cell:
            continue
        for match in phonenumbers.PhoneNumberMatcher(cell, REGION, leniency=LENIENCY):
            found.add(phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164))
    return found


def parse_age(cell: str) -> float:
    """The first number of the cell ("24 ans" → 24); NaN when there is none."""
    match = re.search(r"\d+", cell or "")
    return float(match.group()) if match else np.nan


def column(df: pd.DataFrame, columns: Mapping[str, str], role: str) -> list[str]:
    """The role's column as text ("" for missing), or all "" when the role is not mapped."""
    header = columns.get(role)
    if header is None:
        return [""] * len(df)
    return df[header].fillna("").astype(str).tolist()


def name_groups(names: Iterable[str]) -> dict[str, int]:
    """Folded name → group: names equal or with ratio >= NAME_RATIO share a group."""
    unique = sorted({n for n in names if n})
    groups = UnionFind(len(unique))
    if unique:
        scores = process.cdist(
            unique, unique, scorer=fuzz.ratio, score_cutoff=NAME_RATIO, workers=-1
        )
        for i, j in zip(*np.nonzero(scores), strict=True):
            if i < j:
                groups.union(int(i), int(j))
    return {name: groups.find(k) for k, name in enumerate(unique)}


def simple_dedupe(df: pd.DataFrame, columns: Mapping[str, str]) -> list[int]:
    """A person label per row of df (same order); `columns` maps role → header.

    Roles: phone, name, age, title, text (any may be missing). Labels are the smallest
    row number of each person.
    """
    n = len(df)
    persons = UnionFind(n)
    phone_cells, title_cells, texts = (column(df, columns, r) for r in ("phone", "title", "text"))

    owner: dict[str, int] = {}
    for row in range(n):
        for phone in french_phones(phone_cells[row], title_cells[row], texts[row]):
            if phone in owner:
                persons.union(owner[phone], row)
            else:
                owner[phone] = row

    names = [fold(cell) for cell in column(df, columns, "name")]
    ages = np.array([parse_age(cell) for cell in column(df, columns, "age")])
    check_age = "age" in columns
    group_of = name_groups(names)
    members: dict[int, list[int]] = {}
    for row, name in enumerate(names):
        if name:
            members.setdefault(group_of[name], []).append(row)
    for rows in members.values():
        if len(rows) < 2:
            continue
        index = np.array(rows)
        same = np.ones((len(rows), len(rows)), dtype=bool)
        if check_age:
            same = np.abs(ages[index][:, None] - ages[index][None, :]) <= AGE_GAP
        group_texts = [texts[r] for r in rows]
        similar = process.cdist(
            group_texts,
            group_texts,
            scorer=fuzz.token_set_ratio,
            score_cutoff=TEXT_RATIO,
            workers=-1,
        )
        has_text = np.array([bool(t.strip()) for t in group_texts])
        linked = same & (similar > 0) & has_text[:, None] & has_text[None, :]
        for i, j in zip(*np.nonzero(np.triu(linked, 1)), strict=True):
            persons.union(rows[i], rows[j])
    return [persons.find(row) for row in range(n)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ads_csv", type=Path)
    for role in ROLES:
        parser.add_argument(f"--{role}", help=f"header of the {role} column")
    parser.add_argument("--sep", default=";")
    args = parser.parse_args()
    df = pd.read_csv(
        args.ads_csv, sep=args.sep, dtype=str, encoding="utf-8-sig", keep_default_na=False
    )
    columns = {role: getattr(args, role) for role in ROLES if getattr(args, role)}
    labels = simple_dedupe(df, columns)
    print(f"{len(df)} ads, {len(set(labels))} persons")


if __name__ == "__main__":
    main()
