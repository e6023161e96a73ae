"""Linking quality over generated censuses unlike the shipped sample.

    python benchmarks/quality.py

Each row is a census made by the package's generator with other sizes, seeds and
shares of hard cases; dedupe runs in-process with default settings and is scored
against the generator's truth. Prints a Markdown table. Not part of the tests
(tests/test_dedupe.py holds a few of these to the quality bar).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pandas as pd

from adcensus.dedupe import dedupe
from adcensus.evaluate import score_clusters
from adcensus.synth import EVERY_HARD_CASE, CensusSpec, generate_census

SPECS = {
    "sample (defaults)": CensusSpec(),
    "more agencies": CensusSpec(seed=3, agency_share=0.4),
    "more phone changes": CensusSpec(seed=4, phone_change_rate=0.4),
    "common pseudonyms": CensusSpec(seed=5, common_name_share=0.6),
    "hidden numbers, gaps": CensusSpec(seed=7, missing_rate=0.3, obfuscation_rate=0.5),
    "heavy touring": CensusSpec(seed=8, ads=3000, persons=500, touring_rate=0.7),
    "few doublons": CensusSpec(seed=6, ads=5000, persons=3000),
    "every hard case at once": EVERY_HARD_CASE,
    "Nord, 2 months": CensusSpec(
        seed=9,
        ads=4000,
        persons=1200,
        region="Nord",
        start=pd.Timestamp("2026-09-01").date(),
        end=pd.Timestamp("2026-10-31").date(),
    ),
}


def main() -> None:
    print("| census | ads | persons (true) | persons error | B-cubed F1 | pairwise F1 | seconds |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for label, spec in SPECS.items():
            ads, truth = generate_census(spec)
            path = Path(tmp) / "ads.csv"
            ads.to_csv(path, sep=";", index=False, encoding="utf-8-sig")
            start = time.perf_counter()
            result = dedupe([path])
            seconds = time.perf_counter() - start
            predicted = pd.Series(result.ads["person_id"].to_numpy(), index=result.ads["Réf"])
            expected = pd.Series(truth["person_id"].to_numpy(), index=truth["ad_id"])
            s = score_clusters(predicted, expected)
            print(
                f"| {label} | {s.ads:,} | {s.persons_pred:,} ({s.persons_true:,}) | "
                f"{s.persons_error:+.1%} | {s.bcubed_f1:.4f} | {s.pairwise_f1:.4f} | {seconds:.1f} |"
            )


if __name__ == "__main__":
    main()
