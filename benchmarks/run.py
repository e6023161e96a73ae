"""Benchmark adcensus dedupe on generated censuses: wall time, peak memory, quality.

    python benchmarks/run.py --sizes 10000,100000

For each size, a census is generated with the package's generator (hard cases on,
seed fixed), written as CSV under benchmarks/out/, and `adcensus dedupe` runs on it
in a fresh subprocess, so that its peak memory (max RSS) is its own. Results are
printed as a Markdown table and saved as benchmarks/out/results.json.
Benchmarks are never part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"


def generate(size: int, seed: int) -> tuple[Path, Path]:
    """Write (or reuse) a census of `size` ads; mean 2.56 ads per person as in 2018."""
    from adcensus.synth import CensusSpec, write_census

    folder = OUT / f"census-{size}-{seed}"
    ads, truth = folder / "ads.csv", folder / "truth.csv"
    if not (ads.exists() and truth.exists()):
        persons = max(1, round(size / 2.56))
        sites = min(400, max(39, size // 2000))
        spec = CensusSpec(ads=size, persons=persons, sites=sites, seed=seed)
        write_census(spec, folder, force=True)
    return ads, truth


def run_dedupe(ads: Path, out_dir: Path) -> dict[str, float]:
    """Run the CLI in a child process; return its wall time and peak RSS."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "adcensus", "dedupe", str(ads), "-o", str(out_dir), "--force"],
        check=True,
        stderr=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the max over all children so far: run sizes ascending.
    return {"seconds": round(wall, 2), "peak_mb": round(max(peak_kb, before) / 1024, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated ad counts")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    from adcensus import __version__
    from adcensus.evaluate import evaluate_files

    rows = []
    for size in sorted(int(s) for s in args.sizes.split(",")):
        t0 = time.perf_counter()
        ads, truth = generate(size, args.seed)
        gen_seconds = time.perf_counter() - t0
        out_dir = OUT / f"dedupe-{size}-{args.seed}"
        measured = run_dedupe(ads, out_dir)
        scores = evaluate_files(out_dir, truth)
        rows.append(
            {
                "ads": size,
                **measured,
                "generate_seconds": round(gen_seconds, 1),
                "persons_true": scores.persons_true,
                "persons_pred": scores.persons_pred,
                "persons_error": round(scores.persons_error, 4),
                "bcubed_f1": round(scores.bcubed_f1, 4),
                "pairwise_f1": round(scores.pairwise_f1, 4),
            }
        )
        print(json.dumps(rows[-1]), file=sys.stderr)
    machine = f"{platform.machine()}, {platform.python_version()}, adcensus {__version__}"
    print(f"machine: {machine}\n")
    print("| ads | wall s | peak MB | persons (true) | persons error | B-cubed F1 | pairwise F1 |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['ads']:,} | {r['seconds']} | {r['peak_mb']} | {r['persons_pred']:,} "
            f"({r['persons_true']:,}) | {r['persons_error']:+.1%} | {r['bcubed_f1']:.4f} | "
            f"{r['pairwise_f1']:.4f} |"
        )
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results.json").write_text(json.dumps({"machine": machine, "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
