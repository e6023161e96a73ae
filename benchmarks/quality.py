"""Linking quality on censuses adcensus was not written against, and on its own generator.

    python benchmarks/quality.py                      # the full report, ~2 minutes
    python benchmarks/quality.py --quick              # four cells, for a quick look
    python benchmarks/quality.py --markdown out.md    # also write the report to out.md

(a) The sweep: censuses drawn by benchmarks/othergen.py, a generator written apart from
the package, turning one knob at a time to each end of its range (common pseudonyms,
agencies, decorated pseudonyms, age drift, empty cells), plus the default cell, an
"every knob hard at once" corner and two cells at 10,000 ads. Each census is written as
Excel writes a CSV (`;`, UTF-8 with BOM) and deduped by adcensus with default settings
(`adcensus.dedupe.dedupe([path])`), then by benchmarks/simple_peer.py, the afternoon
script. The worst cells for adcensus close the section. A seed spread of the default cell
says how far apart two cells must be to differ.

(b) The package's own generator (adcensus.synth), as before, with the peer beside it.

Both tools are scored against the generators' truth by `adcensus.evaluate.score_clusters`.
The report goes to stdout, progress to stderr. Not part of the tests.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
from othergen import OtherSpec, generate_other
from simple_peer import simple_dedupe

import adcensus
from adcensus.dedupe import dedupe
from adcensus.evaluate import Scores, score_clusters
from adcensus.synth import EVERY_HARD_CASE, CensusSpec, generate_census

# ---------------------------------------------------------------- (a) the sweep

SMALL = OtherSpec()  # 699 ads, 273 persons: the size of the project's sample
LARGE = replace(SMALL, ads=10_000, persons=3_905)  # the same 2.56 ads per person


def all_hard(spec: OtherSpec) -> OtherSpec:
    """The spec with every swept knob at its hard end."""
    return replace(
        spec,
        common_name_share=0.6,
        agency_share=0.4,
        decoration_rate=0.8,
        age_drift=2,
        missing_rate=0.3,
    )


SWEEP: dict[str, OtherSpec] = {
    "default": SMALL,
    "common names 0.1": replace(SMALL, common_name_share=0.1),
    "common names 0.6": replace(SMALL, common_name_share=0.6),
    "agencies 0": replace(SMALL, agency_share=0.0),
    "agencies 0.4": replace(SMALL, agency_share=0.4),
    "decorations 0": replace(SMALL, decoration_rate=0.0),
    "decorations 0.8": replace(SMALL, decoration_rate=0.8),
    "age drift 0": replace(SMALL, age_drift=0),
    "age drift 2": replace(SMALL, age_drift=2),
    "missing 0": replace(SMALL, missing_rate=0.0),
    "missing 0.3": replace(SMALL, missing_rate=0.3),
    "all hard at once": all_hard(SMALL),
    "default, 10,000 ads": LARGE,
    "all hard, 10,000 ads": all_hard(LARGE),
}
QUICK_SWEEP = ("default", "decorations 0.8", "agencies 0.4", "all hard at once")
SPREAD_SEEDS = (11, 12, 13, 14, 15)
OTHER_COLUMNS = {
    "phone": "Tel",
    "name": "Pseudo",
    "age": "Age",
    "title": "Titre",
    "text": "Description",
}

# ---------------------------------------------------------------- (b) the own generator

OWN_SPECS = {
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
OWN_COLUMNS = {
    "phone": "Téléphone",
    "name": "Pseudo",
    "age": "Âge",
    "title": "Titre",
    "text": "Texte de l'annonce",
}
QUICK_OWN = ("sample (defaults)", "every hard case at once")


@dataclass(frozen=True)
class Run:
    """One tool on one census: its scores and how long it took (seconds, wall clock)."""

    census: str
    tool: str
    scores: Scores
    seconds: float


def note(message: str) -> None:
    """Progress on stderr, so that stdout stays the report."""
    print(message, file=sys.stderr, flush=True)


def run_both(
    label: str,
    ads: pd.DataFrame,
    truth: pd.DataFrame,
    id_column: str,
    columns: dict[str, str],
    tmp: Path,
) -> list[Run]:
    """adcensus (from a CSV as Excel writes it) and the simple peer on one census."""
    path = tmp / "ads.csv"
    ads.to_csv(path, sep=";", index=False, encoding="utf-8-sig")
    expected = pd.Series(truth["person_id"].to_numpy(), index=truth["ad_id"].astype(str))

    start = time.perf_counter()
    result = dedupe([path])
    seconds = time.perf_counter() - start
    predicted = pd.Series(
        result.ads["person_id"].to_numpy(), index=result.ads[id_column].astype(str)
    )
    runs = [Run(label, "adcensus", score_clusters(predicted, expected), seconds)]

    start = time.perf_counter()
    labels = simple_dedupe(ads, columns)
    seconds = time.perf_counter() - start
    predicted = pd.Series(labels, index=ads[id_column].astype(str))
    runs.append(Run(label, "simple peer", score_clusters(predicted, expected), seconds))
    return runs


def table(runs: Sequence[Run]) -> list[str]:
    """Markdown rows, one per tool and census."""
    lines = [
        "| census | tool | ads | persons true | persons pred | persons error | B-cubed F1 | pairwise F1 | seconds |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        s = run.scores
        lines.append(
            f"| {run.census} | {run.tool} | {s.ads:,} | {s.persons_true:,} | {s.persons_pred:,} | "
            f"{s.persons_error:+.1%} | {s.bcubed_f1:.4f} | {s.pairwise_f1:.4f} | {run.seconds:.1f} |"
        )
    return lines


def worst(runs: Sequence[Run], tool: str) -> list[str]:
    """The tool's cell of lowest B-cubed F1 and its cell of largest |persons error|."""
    mine = [run for run in runs if run.tool == tool]
    by_f1 = min(mine, key=lambda run: run.scores.bcubed_f1)
    by_error = max(mine, key=lambda run: abs(run.scores.persons_error))
    return [
        f"- {tool}, lowest B-cubed F1: **{by_f1.census}**, {by_f1.scores.bcubed_f1:.4f} "
        f"(persons error {by_f1.scores.persons_error:+.1%})",
        f"- {tool}, largest persons error: **{by_error.census}**, "
        f"{by_error.scores.persons_error:+.1%} ({by_error.scores.persons_pred:,} persons for "
        f"{by_error.scores.persons_true:,}; B-cubed F1 {by_error.scores.bcubed_f1:.4f})",
    ]


def sweep(cells: Sequence[str], tmp: Path) -> list[Run]:
    """Both tools on each named cell of SWEEP."""
    runs: list[Run] = []
    for label in cells:
        note(f"sweep: {label}")
        ads, truth = generate_other(SWEEP[label])
        runs += run_both(label, ads, truth, "ID", OTHER_COLUMNS, tmp)
    return runs


def seed_spread(seeds: Sequence[int], tmp: Path) -> list[str]:
    """B-cubed F1 of both tools on the default cell drawn with each seed: min, mean, max."""
    runs: list[Run] = []
    for seed in seeds:
        note(f"spread: seed {seed}")
        ads, truth = generate_other(replace(SMALL, seed=seed))
        runs += run_both(f"seed {seed}", ads, truth, "ID", OTHER_COLUMNS, tmp)
    lines = [
        "| tool | seeds | B-cubed F1 min | mean | max | persons error min | max |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for tool in ("adcensus", "simple peer"):
        f1 = [run.scores.bcubed_f1 for run in runs if run.tool == tool]
        error = [run.scores.persons_error for run in runs if run.tool == tool]
        lines.append(
            f"| {tool} | {len(f1)} | {min(f1):.4f} | {sum(f1) / len(f1):.4f} | {max(f1):.4f} | "
            f"{min(error):+.1%} | {max(error):+.1%} |"
        )
    return lines


def own_generator(labels: Sequence[str], tmp: Path) -> list[Run]:
    """Both tools on the package's own generator's specs."""
    runs: list[Run] = []
    for label in labels:
        note(f"own generator: {label}")
        ads, truth = generate_census(OWN_SPECS[label])
        runs += run_both(label, ads, truth, "Réf", OWN_COLUMNS, tmp)
    return runs


def code_version() -> str:
    """The last commit that changed the adcensus being measured ("+dirty": changed since)."""
    folder = Path(adcensus.__file__).resolve().parent

    def git(*args: str) -> str:
        done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True)
        return done.stdout.strip()

    commit = git("log", "-1", "--format=%h", "--", ".") or "unknown"
    return commit + ("+dirty" if git("status", "--porcelain", "--", ".") else "")


def report(quick: bool, out: Callable[[str], None]) -> None:
    """Run the benchmark and hand each line of the Markdown report to `out`."""
    cells = QUICK_SWEEP if quick else tuple(SWEEP)
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        out(f"adcensus {code_version()} ({adcensus.__file__}), pandas {pd.__version__}")
        out("")
        out("## (a) Sweep over benchmarks/othergen.py")
        out("")
        runs = sweep(cells, tmp)
        for line in table(runs):
            out(line)
        out("")
        out("Worst cells:")
        out("")
        for line in worst(runs, "adcensus") + worst(runs, "simple peer"):
            out(line)
        if not quick:
            out("")
            out(f"Seed spread of the default cell ({SMALL.ads} ads):")
            out("")
            for line in seed_spread(SPREAD_SEEDS, tmp):
                out(line)
        out("")
        out("## (b) The package's own generator (adcensus.synth)")
        out("")
        for line in table(own_generator(QUICK_OWN if quick else tuple(OWN_SPECS), tmp)):
            out(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="four sweep cells, two own specs")
    parser.add_argument("--markdown", type=Path, help="also write the report to this file")
    args = parser.parse_args()
    lines: list[str] = []

    def out(line: str) -> None:
        print(line, flush=True)
        lines.append(line)

    start = time.perf_counter()
    report(args.quick, out)
    note(f"done in {time.perf_counter() - start:.0f} s")
    if args.markdown:
        args.markdown.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
