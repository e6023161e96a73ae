"""Profiles (adcensus.profiles) scored against the synthetic census's truth.

    python benchmarks/profiles.py            # both censuses, ~30 s; markdown on stdout

Two censuses from adcensus.synth: the shipped sample (CensusSpec(), every person
presented as a woman) and a larger one with persons presented as trans, men and couples
(drawn from their own random stream). Each is scored twice:

- "by true person": the ads grouped by the truth's persons and networks, so only the
  reading of the ads is measured;
- "after dedupe": the persons `adcensus dedupe` finds, each true person scored by the
  found person holding most of her ads (linking errors count too).

Per field: precision = right / persons given a value (not "unknown"), recall = right /
persons whose truth has a value. Age: the stated age group against the group of the
person's usual age. Origin: the label against the origin her ads name. Presentation:
per value. Kind: "agency" and "touring" each as yes/no. Not part of the tests.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from adcensus.dedupe import dedupe
from adcensus.profiles import age_group, person_profiles
from adcensus.synth import CensusSpec, write_census

CENSUSES = {
    "sample (699 ads, 273 persons)": CensusSpec(),
    "mixed (3,000 ads, 1,200 persons; 10 % trans, 5 % men, 3 % couples)": CensusSpec(
        ads=3000, persons=1200, seed=7, trans_share=0.10, man_share=0.05, couple_share=0.03
    ),
}


def _ratio(right: int, total: int) -> str:
    return f"{right / total:.3f} ({right}/{total})" if total else "–"


def score(found: pd.DataFrame, truth: pd.DataFrame) -> list[tuple[str, str, str]]:
    """(field, precision, recall) rows; `found` and `truth` indexed by true person."""
    rows = []
    expected = truth["age"].astype(int).map(age_group)
    given = found["age_group"] != "unknown"
    right = int((given & (found["age_group"] == expected)).sum())
    rows.append(("age group", _ratio(right, int(given.sum())), _ratio(right, len(truth))))
    given = found["origin"] != "unknown"
    said = truth["origin"] != ""
    right = int((given & (found["origin"] == truth["origin"])).sum())
    rows.append(("origin", _ratio(right, int(given.sum())), _ratio(right, int(said.sum()))))
    for value in ("woman", "trans", "man", "couple"):
        given = found["presentation"] == value
        real = truth["presentation"] == value
        if real.any() or given.any():
            right = int((given & real).sum())
            rows.append(
                (
                    f"presentation: {value}",
                    _ratio(right, int(given.sum())),
                    _ratio(right, int(real.sum())),
                )
            )
    for value in ("agency", "touring"):
        given = found["kind"].str.contains(value)
        real = truth["kind"].str.contains(value)
        right = int((given & real).sum())
        rows.append(
            (f"kind: {value}", _ratio(right, int(given.sum())), _ratio(right, int(real.sum())))
        )
    rows.append(
        ("may be minor (none is under 19)", f"{int(found['may_be_minor'].sum())} flagged", "")
    )
    return rows


def main() -> None:
    lines = ["# Profiles against the synthetic truth", ""]
    for title, spec in CENSUSES.items():
        start = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            ads_path, truth_path = write_census(spec, Path(tmp))
            result = dedupe([ads_path])
            truth = pd.read_csv(truth_path, dtype=str, keep_default_na=False)
        ads = result.ads
        roles = result.summary["roles"]
        persons = truth.drop_duplicates("person_id").set_index("person_id").sort_index()
        by_truth = ads.assign(person_id=truth["person_id"], network_id=truth["network_id"])
        true_profiles = person_profiles(by_truth, roles)
        # After dedupe: each true person read through the found person with most of her ads.
        pairs = pd.DataFrame({"true": truth["person_id"], "found": ads["person_id"]})
        main_found = pairs.groupby("true")["found"].agg(lambda s: s.value_counts().index[0])
        found_profiles = person_profiles(ads, roles).loc[main_found.to_numpy()]
        found_profiles.index = main_found.index
        seconds = time.perf_counter() - start
        lines += [f"## {title}", "", "| field | by true person: precision | recall "
                  "| after dedupe: precision | recall |", "|---|---:|---:|---:|---:|"]  # fmt: skip
        for (field, p1, r1), (_, p2, r2) in zip(
            score(true_profiles.loc[persons.index], persons),
            score(found_profiles.loc[persons.index], persons),
            strict=True,
        ):
            lines.append(f"| {field} | {p1} | {r1} | {p2} | {r2} |")
        lines += ["", f"({seconds:.0f} s with the dedupe)", ""]
        print(f"{title}: {seconds:.0f} s", file=sys.stderr)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
