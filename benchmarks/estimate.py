"""Benchmark the hidden total: model search and bootstrap times on published tables.

    python benchmarks/estimate.py                      # every table of tests/data/mse/
    python benchmarks/estimate.py --bootstrap 1000 --tables NewOrl,UKdat_5

For each capture-history table (tests/data/mse/NAME.csv), times the default model
choice, the exhaustive search with two-way and three-way terms where it is allowed,
the stepwise search, and `--bootstrap B` (BCa, model chosen again in each resample,
seed 1234). Prints a Markdown table. Benchmarks are never part of the test suite.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from adcensus import mse

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "mse"


def timed(what: Any) -> tuple[Any, float]:
    """(result, seconds) of calling `what`."""
    start = time.perf_counter()
    result = what()
    return result, time.perf_counter() - start


def bench(name: str, replicates: int) -> list[str]:
    """Markdown rows for one table."""
    table = mse.read_capture_table(DATA / f"{name}.csv")
    k = len(table.lists)
    rows = []
    runs: list[tuple[str, dict[str, Any]]] = [("default", {})]
    for order in (2, 3):
        if 2 <= order < k and mse.count_models(k, order) <= mse.EXHAUSTIVE_LIMIT:
            runs.append(
                (f"exhaustive, order {order}", {"search": "exhaustive", "max_order": order})
            )
    runs += [("stepwise", {"search": "stepwise"}), ("sparsemse", {"search": "sparsemse"})]
    for label, options in runs:
        chosen, seconds = timed(lambda options=options: mse.select_model(table, **options))
        rows.append(
            f"| {name} | {k} | {label} | {chosen.models_fitted:,} | "
            f"{mse.round_half_up(chosen.fit.total):,} | {seconds:.1f} s |"
        )
    if replicates:
        for search in ("auto", "sparsemse"):
            found, seconds = timed(
                lambda search=search: mse.estimate_hidden(
                    table, search=search, bootstrap=replicates, seed=1234
                )
            )
            boot = found.bootstrap or {}
            rows.append(
                f"| {name} | {k} | {search} + bootstrap {replicates} ({boot.get('method')}) | "
                f"{boot.get('models') or 'rerun'} | {mse.round_half_up(found.total):,} "
                f"({boot.get('low'):,}–{boot.get('high'):,}) | {seconds:.1f} s |"
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", default=",".join(p.stem for p in sorted(DATA.glob("*.csv"))))
    parser.add_argument("--bootstrap", type=int, default=1000)
    args = parser.parse_args()
    print("| table | lists | search | models fitted (bootstrap: models) | total | time |")
    print("|---|---|---|---|---|---|")
    for name in args.tables.split(","):
        for row in bench(name, args.bootstrap):
            print(row, flush=True)


if __name__ == "__main__":
    main()
