"""The Splink peer for the Febrl person records (benchmarks/public_sets.py).

    from splink_febrl import splink_dedupe  # with benchmarks/ on sys.path
    labels = splink_dedupe(records)         # one cluster id per row

benchmarks/splink_peer.py configures Splink for ad censuses; Febrl's records are not
ads (given name, surname, address, date of birth, social security id), so this is the
configuration of Splink's own Febrl 3 example (docs/demos/examples/duckdb/febrl3 in the
Splink repository), as a user would copy it: the same blocking rules, comparisons, prior
and EM sessions, no labels anywhere. The one thing added is the step the example leaves
out: clustering the pairs at a match probability of 0.9, as splink_peer.py does.

Splink is a benchmark extra (`pip install -e '.[bench]'`); this module imports nothing
from adcensus.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import pandas as pd
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

if TYPE_CHECKING:
    from splink.internals.blocking_rule_creator import BlockingRuleCreator
    from splink.internals.comparison_creator import ComparisonCreator

# ---------------------------------------------------------------- SETTINGS
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
BLOCKING_RULES: list[BlockingRuleCreator | dict[str, Any]] = [
    block_on("soc_sec_id"),
    block_on("given_name"),
    block_on("surname"),
    block_on("date_of_birth"),
    block_on("postcode"),
]
COMPARISONS: list[ComparisonCreator | dict[str, Any]] = [
    cl.NameComparison("given_name"),
    cl.NameComparison("surname"),
    cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="%Y%m%d"),
    cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]),
    cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
    cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
]
# The prior: pairs these rules catch are taken as sure matches, 90% of all matches.
DETERMINISTIC_RULES: list[Any] = [
    block_on("soc_sec_id"),
    block_on("given_name", "surname", "date_of_birth"),
    "l.given_name = r.surname and l.surname = r.given_name and l.date_of_birth = r.date_of_birth",
]
PRIOR_RECALL = 0.9
U_MAX_PAIRS = 1e7  # the example has 1e6; Splink warns that it is too few
U_SEED = 2
EM_RULES = [block_on("date_of_birth"), block_on("postcode")]
PREDICT_THRESHOLD = 0.2
CLUSTER_THRESHOLD = 0.9
# ---------------------------------------------------------------- end of SETTINGS


def prepare(records: pd.DataFrame) -> pd.DataFrame:
    """The Febrl fields as trimmed text (None when empty), with a row number as unique_id."""
    prepared = pd.DataFrame({"unique_id": range(len(records))})
    for name in FIELDS:
        values = records[name].astype("string").str.strip()
        prepared[name] = values.where(values != "").astype(object).where(values.notna(), None)
    return prepared


def splink_dedupe(records: pd.DataFrame) -> list[int]:
    """A cluster id per row of `records` (Febrl columns), from an unsupervised Splink model."""
    prepared = prepare(records)
    db_api = DuckDBAPI()
    table = db_api.register(prepared, dataset_display_name="febrl")
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        blocking_rules_to_generate_predictions=BLOCKING_RULES,
        comparisons=COMPARISONS,
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(table, settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        DETERMINISTIC_RULES, recall=PRIOR_RECALL
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=U_SEED)
    for rule in EM_RULES:
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    predictions = linker.inference.predict(threshold_match_probability=PREDICT_THRESHOLD)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=CLUSTER_THRESHOLD
    )
    cluster_of = clusters.as_duckdbpyrelation().select("unique_id, cluster_id").df()
    cluster_of = cluster_of.set_index("unique_id")["cluster_id"]
    ids, _ = pd.factorize(cluster_of.reindex(prepared["unique_id"]))
    return [int(i) for i in ids]
