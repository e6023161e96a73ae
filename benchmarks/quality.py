"""Linking quality on censuses adcensus was not written against, and on its own generator.

    python benchmarks/quality.py                      # the full report, ~2 minutes
    python benchmarks/quality.py --quick              # four cells, for a quick look
    python benchmarks/quality.py --markdown out.md    # also write the report to out.md
    python benchmarks/quality.py --peers splink       # Splink too, on four cells, ~40 s more

(a) The sweep: censuses drawn by benchmarks/othergen.py, a generator written apart from
the package, turning one knob at a time to each end of its range (common pseudonyms,
agencies, decorated pseudonyms, age drift, empty cells), plus the default cell, an
"every knob hard at once" corner and two cells at 10,000 ads. Each census is written as
Excel writes a CSV (`;`, UTF-8 with BOM) and deduped by adcensus with default settings
(`adcensus.dedupe.dedupe([path])`), then by benchmarks/simple_peer.py, the afternoon
script. With `--peers splink`, benchmarks/splink_peer.py (Splink 5 on DuckDB, trained
without labels) reads the same CSV on the cells of SPLINK_CELLS only, as it is slow; a
cell where it raises is a "failed" row, and without Splink installed the report says so
in one line and goes on. The worst cells for each tool close the section. A seed spread
of the default cell says how far apart two cells must be to differ.

(b) The package's own generator (adcensus.synth), as before, with the peer beside it.

Every tool is scored against the generators' truth by `adcensus.evaluate.score_clusters`.
The report goes to stdout, progress to stderr. Not part of the tests.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from importlib.metadata import version
from pathlib import Path
from typing import Any

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
# Splink is slow: the default and all-hard cells, at 699 and at 10,000 ads.
SPLINK_CELLS = ("default", "all hard at once", "default, 10,000 ads", "all hard, 10,000 ads")
# othergen's headers → splink_peer's column names (its COLUMNS are the own generator's).
SPLINK_COLUMNS = {
    "ID": "ad_id",
    "Tel": "phone_raw",
    "Pseudo": "name_raw",
    "Age": "age_raw",
    "Commune": "city_raw",
    "Description": "text_raw",
}
PEERS = ("splink",)
# splink_peer.run: (census CSV, output folder, header → column name) → its report.
SplinkRun = Callable[[Path, Path, Mapping[str, str]], dict[str, Any]]

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
    """One tool on one census: its scores and how long it took (seconds, wall clock).

    `scores` is None when the tool failed on the census; `failure` then says how.
    """

    census: str
    tool: str
    scores: Scores | None
    seconds: float
    failure: str = ""


def note(message: str) -> None:
    """Progress on stderr, so that stdout stays the report."""
    print(message, file=sys.stderr, flush=True)


def run_tools(
    label: str,
    ads: pd.DataFrame,
    truth: pd.DataFrame,
    id_column: str,
    columns: dict[str, str],
    tmp: Path,
    splink: SplinkRun | None = None,
) -> list[Run]:
    """adcensus (from a CSV as Excel writes it) and the simple peer on one census.

    With `splink` (splink_peer.run), Splink too, reading the same CSV with
    othergen's headers (SPLINK_COLUMNS).
    """
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

    if splink is not None:
        runs.append(run_splink(label, path, expected, tmp, splink, SPLINK_COLUMNS))
    return runs


def run_splink(
    label: str,
    path: Path,
    expected: pd.Series,
    tmp: Path,
    splink: SplinkRun,
    columns: Mapping[str, str],
) -> Run:
    """Splink (benchmarks/splink_peer.py's run, in this process) on one census CSV.

    Its seconds count reading the CSV, preparing, training, predicting and clustering.
    """
    out_dir = tmp / "splink"
    start = time.perf_counter()
    try:
        splink(path, out_dir, columns)
    except Exception as error:  # a peer's failure is a result to report, not a crash
        seconds = time.perf_counter() - start
        failure = f"{type(error).__name__}: {str(error).split('. ')[0]}"
        note(f"Splink failed on {label}: {failure}")
        return Run(label, "Splink", None, seconds, failure)
    seconds = time.perf_counter() - start
    ads = pd.read_csv(out_dir / "ads.csv", dtype=str, keep_default_na=False)
    predicted = pd.Series(ads["person_id"].to_numpy(), index=ads["ad_id"])
    return Run(label, "Splink", score_clusters(predicted, expected), seconds)


def load_splink() -> SplinkRun | str:
    """splink_peer.run, or a one-line reason why it cannot be imported."""
    try:
        from splink_peer import run
    except ImportError as missing:
        return f"Splink not run: {missing} (pip install -e '.[bench]')"
    return run


def table(runs: Sequence[Run]) -> list[str]:
    """Markdown rows, one per tool and census."""
    lines = [
        "| census | tool | ads | persons true | persons pred | persons error | B-cubed F1 | pairwise F1 | seconds |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        s = run.scores
        if s is None:
            lines.append(f"| {run.census} | {run.tool} | | | failed | | | | {run.seconds:.1f} |")
            continue
        lines.append(
            f"| {run.census} | {run.tool} | {s.ads:,} | {s.persons_true:,} | {s.persons_pred:,} | "
            f"{s.persons_error:+.1%} | {s.bcubed_f1:.4f} | {s.pairwise_f1:.4f} | {run.seconds:.1f} |"
        )
    return lines


def worst(runs: Sequence[Run], tool: str) -> list[str]:
    """The tool's cell of lowest B-cubed F1 and its cell of largest |persons error|.

    Then a line for each cell the tool failed on. Nothing when the tool has no run; the
    count of its scored cells says what it was run on.
    """
    scored = [(run, run.scores) for run in runs if run.tool == tool and run.scores]
    lines = []
    if scored:
        of = f" (of its {len(scored)} scored cell{'s' if len(scored) > 1 else ''})"
        low, s = min(scored, key=lambda pair: pair[1].bcubed_f1)
        lines.append(
            f"- {tool}, lowest B-cubed F1{of}: **{low.census}**, {s.bcubed_f1:.4f} "
            f"(persons error {s.persons_error:+.1%})"
        )
        far, s = max(scored, key=lambda pair: abs(pair[1].persons_error))
        lines.append(
            f"- {tool}, largest persons error{of}: **{far.census}**, "
            f"{s.persons_error:+.1%} ({s.persons_pred:,} persons for "
            f"{s.persons_true:,}; B-cubed F1 {s.bcubed_f1:.4f})"
        )
    for run in runs:
        if run.tool == tool and run.scores is None:
            lines.append(f"- {tool} failed on **{run.census}**: {run.failure}")
    return lines


def sweep(cells: Sequence[str], tmp: Path, splink: SplinkRun | None = None) -> list[Run]:
    """adcensus and the simple peer on each named cell of SWEEP; Splink on SPLINK_CELLS."""
    runs: list[Run] = []
    for label in cells:
        note(f"sweep: {label}")
        ads, truth = generate_other(SWEEP[label])
        peer = splink if label in SPLINK_CELLS else None
        runs += run_tools(label, ads, truth, "ID", OTHER_COLUMNS, tmp, peer)
    return runs


def seed_spread(seeds: Sequence[int], tmp: Path) -> list[str]:
    """B-cubed F1 of both tools on the default cell drawn with each seed: min, mean, max."""
    runs: list[Run] = []
    for seed in seeds:
        note(f"spread: seed {seed}")
        ads, truth = generate_other(replace(SMALL, seed=seed))
        runs += run_tools(f"seed {seed}", ads, truth, "ID", OTHER_COLUMNS, tmp)
    lines = [
        "| tool | seeds | B-cubed F1 min | mean | max | persons error min | max |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for tool in ("adcensus", "simple peer"):
        scores = [run.scores for run in runs if run.tool == tool and run.scores]
        f1 = [s.bcubed_f1 for s in scores]
        error = [s.persons_error for s in scores]
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
        runs += run_tools(label, ads, truth, "Réf", OWN_COLUMNS, tmp)
    return runs


def code_version() -> str:
    """The last commit that changed the adcensus being measured ("+dirty": changed since)."""
    folder = Path(adcensus.__file__).resolve().parent

    def git(*args: str) -> str:
        done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True)
        return done.stdout.strip()

    commit = git("log", "-1", "--format=%h", "--", ".") or "unknown"
    return commit + ("+dirty" if git("status", "--porcelain", "--", ".") else "")


def report(quick: bool, peers: Sequence[str], out: Callable[[str], None]) -> None:
    """Run the benchmark and hand each line of the Markdown report to `out`.

    `peers` names the optional tools to run too (PEERS); one that cannot be imported is
    left out, with a line saying why.
    """
    cells = QUICK_SWEEP if quick else tuple(SWEEP)
    splink = load_splink() if "splink" in peers else None
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        out(f"adcensus {code_version()} ({adcensus.__file__}), pandas {pd.__version__}")
        if isinstance(splink, str):
            out("")
            out(splink)
            splink = None
        elif splink is not None:
            out(f"Splink {version('splink')} on DuckDB {version('duckdb')}")
        out("")
        out("## (a) Sweep over benchmarks/othergen.py")
        out("")
        runs = sweep(cells, tmp, splink)
        for line in table(runs):
            out(line)
        out("")
        out("Worst cells:")
        out("")
        for line in worst(runs, "adcensus") + worst(runs, "simple peer") + worst(runs, "Splink"):
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
    parser.add_argument(
        "--peers",
        default="",
        help=f"comma-separated tools to run too ({', '.join(PEERS)}); Splink on four cells",
    )
    args = parser.parse_args()
    peers = [peer for peer in args.peers.split(",") if peer]
    unknown = sorted(set(peers) - set(PEERS))
    if unknown:
        parser.error(f"unknown peer {', '.join(unknown)}; known: {', '.join(PEERS)}")
    lines: list[str] = []

    def out(line: str) -> None:
        print(line, flush=True)
        lines.append(line)

    start = time.perf_counter()
    report(args.quick, peers, out)
    note(f"done in {time.perf_counter() - start:.0f} s")
    if args.markdown:
        args.markdown.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
