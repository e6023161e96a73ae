"""The Splink peer of the benchmark: dedupe a census with Splink (DuckDB backend).

    python benchmarks/splink_peer.py ADS_CSV OUT_DIR
    python benchmarks/splink_peer.py ADS_CSV OUT_DIR \
        --columns ad_id=ID,phone_raw=Tel,age_raw=Age,city_raw=Commune,text_raw=Description

Reads a census as `adcensus synth` and benchmarks/run.py write it (UTF-8 with BOM,
`;`-delimited, French headers; `--columns` names other headers, as
benchmarks/othergen.py writes them), prepares its columns as a competent Splink user would,
trains a Fellegi-Sunter model without labels (u by random sampling, m by EM), scores the
blocked pairs, clusters them and writes OUT_DIR/ads.csv (`ad_id,person_id`, one row per
input ad) and OUT_DIR/splink.json (stage timings, versions, pair counts, EM sessions).

The whole configuration is the SETTINGS block below. Splink is an optional benchmark
extra (`pip install -e '.[bench]'`), never a dependency of adcensus; this script imports
nothing from adcensus, so that it measures Splink alone.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import time
import unicodedata
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd
import splink
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.blocking_analysis import count_comparisons_from_blocking_rules

if TYPE_CHECKING:
    from splink.internals.blocking_rule_creator import BlockingRuleCreator
    from splink.internals.comparison_creator import ComparisonCreator

# ---------------------------------------------------------------- SETTINGS
# Everything that decides the peer's result is in this block.

# Input headers (as `adcensus synth` writes them) → the peer's column names. The default;
# `run(columns=...)` and `--columns` read a census with other headers.
COLUMNS = {
    "Réf": "ad_id",
    "Téléphone": "phone_raw",
    "Pseudo": "name_raw",
    "Âge": "age_raw",
    "Ville": "city_raw",
    "Texte de l'annonce": "text_raw",
}

# Preparation (prepare() below): phone = the first French number in the phone cell, else
# in the text (NFKC, keycaps undone), as 10 bare digits; pseudonym and city lowercased
# without accents; age an integer; text lowercased without accents, and its token set.
PHONE_PATTERN = re.compile(r"(?:(?:\+|00)\s?33|0)[\s.\-]?[1-9](?:[\s.\-]?\d){8}")
# Words of 3+ letters or digits of the folded text, as a set: the text comparison's tokens.
MIN_TOKEN_LENGTH = 3


def token_jaccard_at_least(threshold: float) -> cll.CustomLevel:
    """A level for texts whose token sets have Jaccard similarity >= threshold.

    Token lists are sets, so |A ∪ B| = |A| + |B| - |A ∩ B| and J >= t becomes
    |A ∩ B| >= t / (1 + t) * (|A| + |B|): one list_intersect per pair and level.
    """
    shared = "len(list_intersect(text_tokens_l, text_tokens_r))"
    both = "(len(text_tokens_l) + len(text_tokens_r))"
    return cll.CustomLevel(
        f"{shared} >= {threshold / (1 + threshold):.6f} * {both}",
        f"token Jaccard >= {threshold}",
    )


# Blocking: only pairs that agree on one of these are scored: 2.6 pairs per ad at 10,000
# ads, 3.6 at 100,000, 13.7 at 1,000,000 (count_comparisons_from_blocking_rules; see
# splink.json). Phone grows with the census; pseudonym + age + city grows faster (the
# pool of pseudonyms does not grow with it) but stays under 10M pairs at 1,000,000 ads.
# Pseudonym + city alone and pseudonym + age alone were left out: 2.0M and 2.6M pairs at
# 100,000 ads, 183M and 247M at 1,000,000, too many to score on a laptop.
BLOCKING_RULES: list[BlockingRuleCreator | dict[str, Any]] = [
    block_on("phone"),
    block_on("name", "age", "city"),
    block_on("substr(text, 1, 60)"),  # a repost keeps its opening words
]

COMPARISONS: list[ComparisonCreator | dict[str, Any]] = [
    cl.ExactMatch("phone"),
    cl.JaroWinklerAtThresholds("name", [0.92, 0.8]).configure(term_frequency_adjustments=True),
    cl.CustomComparison(
        output_column_name="age",
        comparison_levels=[
            cll.NullLevel("age"),
            cll.ExactMatchLevel("age"),
            cll.AbsoluteDifferenceLevel("age", 1),
            cll.AbsoluteDifferenceLevel("age", 3),
            cll.ElseLevel(),
        ],
    ),
    cl.ExactMatch("city").configure(term_frequency_adjustments=True),
    cl.CustomComparison(
        output_column_name="text",
        comparison_levels=[
            cll.NullLevel("text"),
            # No level of its own for identical texts: J = 1 falls in the first level, and
            # identical texts are so rare among random pairs (about 6 in a million) that
            # u sampling would draw all its 1e7 pairs to see 100 of them.
            token_jaccard_at_least(0.7),
            token_jaccard_at_least(0.4),
            token_jaccard_at_least(0.2),
            cll.ElseLevel(),
        ],
    ),
]

SETTINGS = SettingsCreator(
    link_type="dedupe_only",
    unique_id_column_name="unique_id",
    blocking_rules_to_generate_predictions=BLOCKING_RULES,
    comparisons=COMPARISONS,
    # The long text columns need not travel into the pairs table.
    retain_matching_columns=False,
    retain_intermediate_calculation_columns=False,
)

# The prior (probability that two random ads match): ads sharing both phone and
# pseudonym are taken as sure matches, and guessed to be 70% of all matches (Splink's
# tutorial value; no labels are used to set it).
PRIOR_RULES: list[BlockingRuleCreator | str] = [block_on("phone", "name")]
PRIOR_RECALL = 0.7

# u: 10 million random pairs, seeded. EM: each rule trains the comparisons it does not
# block on; together they cover all five.
U_MAX_PAIRS = 1e7
U_SEED = 7
EM_RULES = [block_on("phone"), block_on("name", "age", "city")]

# Pairs scored at or above PREDICT_THRESHOLD are kept; those at or above CLUSTER_THRESHOLD
# link ads into persons (connected components). 0.9 because a single false link merges
# two persons and the merges chain: a pair is linked only at odds of 9 to 1 or better.
PREDICT_THRESHOLD = 0.5
CLUSTER_THRESHOLD = 0.9
# ---------------------------------------------------------------- end of SETTINGS

# Keycap digits (0️⃣) are a digit, a variation selector and a combining keycap.
KEYCAP_MARKS = str.maketrans("", "", "\ufe0f\u20e3")
TOKEN_PATTERN = re.compile(rf"[a-z0-9]{{{MIN_TOKEN_LENGTH},}}")
log = logging.getLogger("splink_peer")


def national_phone(number: str) -> str | None:
    """A French number as 10 bare digits starting with 0 (+33 / 0033 → 0); None otherwise."""
    digits = re.sub(r"\D", "", number)
    if digits.startswith("0033"):
        digits = "0" + digits[4:]
    elif digits.startswith("33") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits if len(digits) == 10 and digits.startswith("0") else None


def first_phone(text: str) -> str | None:
    """The first phone-like number in a cell (digits maybe split by spaces, dots, dashes)."""
    match = PHONE_PATTERN.search(unicodedata.normalize("NFKC", text).translate(KEYCAP_MARKS))
    return national_phone(match.group()) if match else None


def fold(text: str) -> str | None:
    """Lowercase ASCII without accents, stripped; None when empty."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return plain.lower().strip() or None


def tokens(text: str | float | None) -> list[str] | None:
    """The sorted set of words in a folded text; None for a missing text.

    A missing text arrives as NaN, not None: pandas 3 keeps a string column's gaps as NaN.
    """
    return sorted(set(TOKEN_PATTERN.findall(text))) if isinstance(text, str) and text else None


def read_census(path: Path, columns: Mapping[str, str] = COLUMNS) -> pd.DataFrame:
    """The census's ads as text, with the peer's column names.

    `columns` maps each input header to one of the peer's names (COLUMNS' values).
    """
    frame = pd.read_csv(
        path, sep=";", dtype=str, encoding="utf-8-sig", keep_default_na=False, usecols=list(columns)
    )
    return frame.rename(columns=dict(columns))


def parse_columns(option: str) -> dict[str, str]:
    """The `--columns` option (`ad_id=ID,phone_raw=Tel,...`) as input header → peer name.

    Names the option leaves out keep their default header (COLUMNS); an unknown name or
    a header given twice raises ValueError.
    """
    header_of = {name: header for header, name in COLUMNS.items()}
    for item in filter(None, (part.strip() for part in option.split(","))):
        name, equals, header = item.partition("=")
        name, header = name.strip(), header.strip()
        if not equals or not header:
            raise ValueError(f"--columns: expected NAME=HEADER, got {item!r}")
        if name not in header_of:
            raise ValueError(f"--columns: unknown name {name!r}; known: {', '.join(header_of)}")
        header_of[name] = header
    if len(set(header_of.values())) < len(header_of):
        raise ValueError(f"--columns: a header is given to two names: {header_of}")
    return {header: name for name, header in header_of.items()}


def prepare(raw: pd.DataFrame) -> pd.DataFrame:
    """The columns Splink compares: phone, name, age, city, text and its tokens.

    The phone is the column's first number, or, when the column holds none, the text's
    first number (one ad in eight has an empty phone cell).
    """
    phone = raw["phone_raw"].map(first_phone)
    phone = phone.fillna(raw["text_raw"].where(phone.isna(), "").map(first_phone))
    text = raw["text_raw"].map(fold)
    return pd.DataFrame(
        {
            "unique_id": range(len(raw)),
            "phone": phone,
            "name": raw["name_raw"].map(fold),
            "age": pd.to_numeric(raw["age_raw"].str.extract(r"(\d+)")[0], errors="coerce").astype(
                "Int64"
            ),
            "city": raw["city_raw"].map(fold),
            "text": text,
            "text_tokens": text.map(tokens),
        }
    )


@contextmanager
def stage(timings: dict[str, float], name: str) -> Iterator[None]:
    """Time the enclosed block into timings[name] (seconds) and log it."""
    start = time.perf_counter()
    yield
    timings[name] = round(time.perf_counter() - start, 2)
    log.warning("stage %s: %.1f s", name, timings[name])


def run(ads_csv: Path, out_dir: Path, columns: Mapping[str, str] = COLUMNS) -> dict[str, Any]:
    """Dedupe one census with Splink; write OUT_DIR/ads.csv and return the run's report.

    `columns` maps the census's headers to the peer's names, as COLUMNS does for the
    headers `adcensus synth` writes; nothing else of the configuration changes with it.
    """
    timings: dict[str, float] = {}
    report: dict[str, Any] = {
        "input": str(ads_csv),
        "columns": dict(columns),
        "splink": splink.__version__,
        "duckdb": duckdb.__version__,
        "pandas": pd.__version__,
        "python": sys.version.split()[0],
    }
    with stage(timings, "read"):
        raw = read_census(ads_csv, columns)
    with stage(timings, "prepare"):
        prepared = prepare(raw)
    report["ads"] = len(prepared)
    report["ads_with_phone"] = int(prepared["phone"].notna().sum())

    with stage(timings, "blocking_analysis"):
        db_api = DuckDBAPI()
        table = db_api.register(prepared, dataset_display_name="ads")
        counts = count_comparisons_from_blocking_rules(
            table,
            blocking_rules=BLOCKING_RULES,
            link_type="dedupe_only",
            record_sample_proportion=1.0,
        )
    report["blocking"] = [
        {
            "rule": record["blocking_rule"],
            "marginal_comparisons": int(record["marginal_comparison_count"]),
            "cumulative_comparisons": int(record["cumulative_comparison_count"]),
        }
        for record in counts
    ]
    report["comparisons"] = report["blocking"][-1]["cumulative_comparisons"]

    linker = Linker(table, SETTINGS, log_level=logging.WARNING)
    with stage(timings, "train_prior"):
        linker.training.estimate_probability_two_random_records_match(PRIOR_RULES, PRIOR_RECALL)
    with stage(timings, "train_u"):
        linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=U_SEED)
    sessions = []
    with stage(timings, "train_m_em"):
        for rule in EM_RULES:
            session = linker.training.estimate_parameters_using_expectation_maximisation(rule)
            iterations = len(session._core_model_settings_history)
            sessions.append(
                {
                    "rule": rule.get_blocking_rule("duckdb").blocking_rule_sql,
                    "iterations": iterations,
                    "converged": iterations < SETTINGS.max_iterations,
                }
            )
    report["em_sessions"] = sessions
    report["probability_two_random_records_match"] = (
        linker._settings_obj._probability_two_random_records_match
    )

    with stage(timings, "predict"):
        predictions = linker.inference.predict(threshold_match_probability=PREDICT_THRESHOLD)
        report["predicted_pairs"] = _count(predictions.physical_name, db_api)
        report["linked_pairs"] = _count(
            f"{predictions.physical_name} where match_probability >= {CLUSTER_THRESHOLD}",
            db_api,
        )
    with stage(timings, "cluster"):
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_probability=CLUSTER_THRESHOLD
        )
        cluster_of = clusters.as_duckdbpyrelation().select("unique_id, cluster_id").df()
    with stage(timings, "write"):
        out_dir.mkdir(parents=True, exist_ok=True)
        cluster_of = cluster_of.set_index("unique_id")["cluster_id"]
        person = cluster_of.reindex(prepared["unique_id"]).to_numpy()
        persons = pd.DataFrame({"ad_id": raw["ad_id"], "person_id": [f"S{p}" for p in person]})
        persons.to_csv(out_dir / "ads.csv", index=False)
        linker.misc.save_model_to_json(str(out_dir / "splink-model.json"), overwrite=True)
    report["persons"] = int(persons["person_id"].nunique())
    report["thresholds"] = {"predict": PREDICT_THRESHOLD, "cluster": CLUSTER_THRESHOLD}
    report["seconds"] = timings
    report["seconds_total"] = round(sum(timings.values()), 2)
    return report


def _count(relation: str, db_api: DuckDBAPI) -> int:
    rows = db_api.duckdb_con.sql(f"select count(*) from {relation}").fetchall()
    return int(rows[0][0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "ads_csv", type=Path, help="census ads.csv (as adcensus synth writes; else see --columns)"
    )
    parser.add_argument("out_dir", type=Path, help="folder for ads.csv and splink.json")
    parser.add_argument(
        "--columns",
        default="",
        help="NAME=HEADER pairs, comma-separated, for a census with other headers (names: "
        f"{', '.join(COLUMNS.values())}; default: {', '.join(f'{v}={k}' for k, v in COLUMNS.items())})",
    )
    args = parser.parse_args()
    try:
        columns = parse_columns(args.columns)
    except ValueError as error:
        parser.error(str(error))
    logging.basicConfig(format="%(name)s: %(message)s", level=logging.WARNING)
    report = run(args.ads_csv, args.out_dir, columns)
    (args.out_dir / "splink.json").write_text(json.dumps(report, indent=2))
    print(json.dumps({k: report[k] for k in ("ads", "comparisons", "persons", "seconds_total")}))


if __name__ == "__main__":
    main()
