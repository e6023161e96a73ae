"""Benchmark adcensus dedupe on generated censuses: wall time, peak memory, quality.

    python benchmarks/run.py --sizes 10000,100000
    python benchmarks/run.py --sizes 10000,100000,1000000 --peers splink

For each size, a census is generated with the package's generator (hard cases on,
seed fixed), written as CSV under benchmarks/out/, and `adcensus dedupe` runs on it
in a fresh subprocess. With `--peers splink`, benchmarks/splink_peer.py (Splink on
DuckDB, configured as a competent user would; needs `pip install -e '.[bench]'`) runs
on the same file right after, in its own subprocess. Each child's peak memory (max RSS)
is its own, read from os.wait4. Results are printed as a Markdown table, one row per
size and tool, and saved as benchmarks/out/results.json.
Benchmarks are never part of the test suite.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
PEERS = ("splink",)


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


def _tree_rss_mb(root: int) -> float:
    """Resident memory of a process and all its descendants, in MB (Linux /proc)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        pid = int(stat.parent.name)
        parents[pid], rss[pid] = int(fields[1]), int(fields[21])
    tree, frontier = {root}, [root]
    while frontier:
        children = [pid for pid, parent in parents.items() if parent in frontier]
        frontier = [pid for pid in children if pid not in tree]
        tree.update(frontier)
    return sum(rss.get(pid, 0) for pid in tree) * os.sysconf("SC_PAGE_SIZE") / 2**20


def measure(command: list[str], log: Path | None = None) -> dict[str, float]:
    """Run a command in a child process; return its wall time and its peak memory.

    Peak memory is the larger of the child's own max RSS (os.wait4, exact but blind to
    the worker processes adcensus forks) and the sum of RSS over the child and its
    descendants, sampled every 0.2 s. stdout and stderr go to `log`, or are dropped.
    """
    peak = [0.0]
    with (log or Path(os.devnull)).open("w") as stderr:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=stderr, stderr=stderr)
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.2):
                peak[0] = max(peak[0], _tree_rss_mb(child.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        done.set()
        sampler.join()
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        where = f"; see {log}" if log else ""
        sys.exit(f"{' '.join(command)} failed (exit code {child.returncode}){where}")
    # ru_maxrss is in kilobytes on Linux.
    own = usage.ru_maxrss / 1024
    return {"seconds": round(wall, 2), "peak_mb": round(max(own, peak[0]), 1)}


def run_dedupe(ads: Path, out_dir: Path) -> dict[str, float]:
    """Run the adcensus CLI in a child process; return its wall time and peak RSS."""
    command = [sys.executable, "-m", "adcensus", "dedupe", str(ads), "-o", str(out_dir)]
    return measure([*command, "--force"])


def run_splink(ads: Path, out_dir: Path) -> dict[str, Any]:
    """Run the Splink peer in a child process; its wall time, peak RSS and own report."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "splink.json").unlink(missing_ok=True)
    command = [sys.executable, str(HERE / "splink_peer.py"), str(ads), str(out_dir)]
    measured: dict[str, Any] = measure(command, log=out_dir / "splink.log")
    report = json.loads((out_dir / "splink.json").read_text())
    measured["comparisons"] = report["comparisons"]
    measured["predicted_pairs"] = report["predicted_pairs"]
    measured["stage_seconds"] = report["seconds"]
    measured["versions"] = {"splink": report["splink"], "duckdb": report["duckdb"]}
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated ad counts")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--peers", default="", help=f"comma-separated peers to run too ({', '.join(PEERS)})"
    )
    args = parser.parse_args()
    peers = [p for p in args.peers.split(",") if p]
    unknown = sorted(set(peers) - set(PEERS))
    if unknown:
        parser.error(f"unknown peer {', '.join(unknown)}; known: {', '.join(PEERS)}")
    if "splink" in peers and importlib.util.find_spec("splink") is None:
        parser.error("the splink peer needs Splink: pip install -e '.[bench]'")
    from adcensus import __version__
    from adcensus.evaluate import evaluate_files

    rows: list[dict[str, Any]] = []
    versions = ""
    for size in sorted(int(s) for s in args.sizes.split(",")):
        t0 = time.perf_counter()
        ads, truth = generate(size, args.seed)
        gen_seconds = time.perf_counter() - t0
        runs: list[tuple[str, Path, dict[str, Any], str | None]] = []
        out_dir = OUT / f"dedupe-{size}-{args.seed}"
        runs.append(("adcensus", out_dir, run_dedupe(ads, out_dir), None))
        if "splink" in peers:
            out_dir = OUT / f"splink-{size}-{args.seed}"
            runs.append(("splink", out_dir, run_splink(ads, out_dir), "ad_id"))
        for tool, out_dir, measured, key in runs:
            scores = evaluate_files(out_dir, truth, key=key)
            versions = versions or _versions(measured)
            rows.append(
                {
                    "ads": size,
                    "tool": tool,
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
    machine += versions
    print(f"machine: {machine}\n")
    print(
        "| ads | tool | wall s | peak MiB | persons (true) | persons error | B-cubed F1 "
        "| pairwise F1 | speed-up |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    ours = {r["ads"]: r["seconds"] for r in rows if r["tool"] == "adcensus"}
    for r in rows:
        speed_up = "" if r["tool"] == "adcensus" else f"{r['seconds'] / ours[r['ads']]:.1f}×"
        print(
            f"| {r['ads']:,} | {r['tool']} | {r['seconds']} | {r['peak_mb']} | "
            f"{r['persons_pred']:,} ({r['persons_true']:,}) | {r['persons_error']:+.1%} | "
            f"{r['bcubed_f1']:.4f} | {r['pairwise_f1']:.4f} | {speed_up} |"
        )
    if peers:
        print("\nspeed-up: the peer's wall seconds / adcensus's, on the same census.")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results.json").write_text(json.dumps({"machine": machine, "rows": rows}, indent=2))


def _versions(measured: dict[str, Any]) -> str:
    """', splink X, duckdb Y' when the run is a peer's, else ''."""
    found = measured.get("versions", {})
    return "".join(f", {name} {version}" for name, version in found.items())


if __name__ == "__main__":
    main()
