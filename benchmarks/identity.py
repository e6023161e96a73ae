"""Every output of every command, fingerprinted: the check that a restructuring changed nothing.

    python benchmarks/identity.py --save before.json            # on the old code
    python benchmarks/identity.py --compare before.json         # on the new code
    python benchmarks/identity.py --sizes 699 --save quick.json # the sample only, ~1 minute

Each census (the shipped sample, then synthetic censuses of the sizes asked for, drawn
by `adcensus synth --seed 7`) goes through the commands an analyst runs, as real
subprocesses in a scratch folder: dedupe (plain, pseudonymised, xlsx, tab-delimited, to a
store), store export, estimate, tally, explain, report, review export, outreach and
evaluate. The fingerprint is the SHA-256 of every file written and of every command's
stdout and exit code; `--compare` lists what differs and exits 1 when anything does.
The store's database file itself is left out (it records when it was loaded); what it
holds is compared through `store export`. Not part of the tests: a tool for the engineer
who moves code around.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
# A fixed key, so that pseudonymised outputs can be compared across runs (never a real one).
KEY = hashlib.sha256(b"adcensus identity check").hexdigest()


def run(args: list[str], cwd: Path, prints: dict[str, str], label: str = "") -> None:
    """Run `adcensus ARGS` in `cwd`; record its exit code and stdout's SHA-256."""
    done = subprocess.run(
        [sys.executable, "-m", "adcensus", *args],
        cwd=cwd,
        capture_output=True,
        env={**os.environ, "COLUMNS": "100", "NO_COLOR": "1"},
    )
    name = " ".join(args)
    prints[f"{label}$ {name}"] = (
        f"exit {done.returncode} " + hashlib.sha256(done.stdout).hexdigest()
    )
    print(f"  {name}: exit {done.returncode}", file=sys.stderr)


def census(label: str, source: Path, work: Path, prints: dict[str, str]) -> None:
    """Run the commands on one census (ads.csv and truth.csv in `source`)."""
    here = work / label
    here.mkdir()
    shutil.copy(source / "ads.csv", here / "ads.csv")
    shutil.copy(source / "truth.csv", here / "truth.csv")
    key = here / "adcensus.key"
    key.write_text(KEY + "\n", encoding="utf-8")
    key.chmod(0o600)
    steps = [
        ["dedupe", "ads.csv", "--out", "plain", "--json"],
        ["dedupe", "ads.csv", "--out", "pseudo", "--pseudonymize", "--key-file", "adcensus.key"],
        ["dedupe", "ads.csv", "--out", "book", "--format", "xlsx", "--out-delimiter", "tab"],
        ["dedupe", "ads.csv", "--store", "census.db", "--out", "stored"],
        ["store", "export", "census.db", "-o", "exported"],
        ["store", "info", "census.db"],
        ["estimate", "plain", "--json"],
        ["evaluate", "plain", "truth.csv", "--json"],
        ["tally", "plain", "--by", "month", "--format", "csv"],
        ["tally", "census.db", "--by", "city", "--format", "csv"],
        ["report", "plain", "--lang", "fr", "-o", "report-fr.html"],
        ["report", "plain", "--lang", "en", "-o", "report-en.html"],
        ["review", "plain", "--export", "review.xlsx"],
        ["outreach", "census.db", "-o", "contacts.csv", "--since", "30"],
        ["outreach", "census.db", "-o", "contacts.xlsx", "--since", "30"],
    ]
    for args in steps:
        run(args, here, prints, f"{label}/")
    # The biggest person, whatever its id.
    first = (here / "plain" / "persons.csv").read_text(encoding="utf-8-sig").splitlines()[1]
    run(["explain", "plain", first.split(";")[0]], here, prints, f"{label}/")
    for path in sorted(here.rglob("*")):
        if path.is_file() and path.name != "census.db" and not path.name.startswith("census.db-"):
            rel = f"{label}/{path.relative_to(here)}"
            prints[rel] = fingerprint(path)


def fingerprint(path: Path) -> str:
    """SHA-256 of a file; of a workbook written by openpyxl (review, outreach), of its
    parts but the one that records when it was saved."""
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as book:
            digest = hashlib.sha256()
            for name in sorted(book.namelist()):
                if name != "docProps/core.xml":
                    digest.update(name.encode() + b"\0" + book.read(name))
            return digest.hexdigest()
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fingerprints(sizes: list[int]) -> dict[str, str]:
    prints: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="adcensus-identity-") as scratch:
        work = Path(scratch)
        print("sample", file=sys.stderr)
        census("sample", SAMPLE, work, prints)
        for size in sizes:
            if size == 699:
                continue
            made = work / f"made-{size}"
            print(f"synth {size}", file=sys.stderr)
            persons = str(max(1, round(size / 2.56)))
            synth = ["synth", made.name, "--ads", str(size), "--persons", persons, "--seed", "7"]
            run(synth, work, prints, f"synth-{size}/")
            census(f"synth-{size}", made, work, prints)
    return prints


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="699,100000", help="Census sizes, comma-separated.")
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--save", type=Path, help="Write the fingerprints to this JSON file.")
    what.add_argument("--compare", type=Path, help="Compare with fingerprints saved earlier.")
    options = parser.parse_args()
    prints = fingerprints([int(x) for x in options.sizes.split(",") if x])
    if options.save:
        options.save.write_text(json.dumps(prints, indent=1, sort_keys=True) + "\n")
        print(f"{len(prints)} fingerprints saved to {options.save}", file=sys.stderr)
        return
    before = json.loads(options.compare.read_text())
    differ = sorted(k for k in before.keys() | prints.keys() if before.get(k) != prints.get(k))
    for name in differ:
        print(f"differs: {name} ({before.get(name, 'absent')} → {prints.get(name, 'absent')})")
    print(f"{len(prints)} fingerprints, {len(differ)} differ")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
