"""Score a split of ads into persons against the known truth: pairwise and B-cubed.

Both measures compare two clusterings of the same ads. Pairwise precision is the share
of predicted same-person pairs that are true, recall the share of true pairs found.
B-cubed (Bagga & Baldwin 1998; Amigó et al. 2009) averages over ads: for each ad, the
share of its predicted cluster that truly is its person (precision) and the share of
its person that its predicted cluster holds (recall). Pairwise scores weigh prolific
persons quadratically; B-cubed weighs every ad once.

Everything is computed from the contingency table of (predicted, true) cluster sizes,
so a million ads score in about a second.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from pandas.api.extensions import ExtensionArray

from adcensus.columns import AD_ID, ADS_OUTPUT_COLUMNS, PERSON_ID
from adcensus.errors import AdcensusError, InputError
from adcensus.outputs import check_belongs, delimiter_of
from adcensus.store import dedupe_folder, is_store_file

TRUTH_KEY = "ad_id"
# Header names tried for the ad id when column roles cannot be detected.
_ID_NAMES = ("ref", "reference", "ad_id", "ad id", "id", "annonce id", "id annonce")
# dedupe writes cells a spreadsheet would run as a formula with a leading apostrophe.
_NEUTRALISED = re.compile(r"^'[=+\-@\t\r]")


@dataclass(frozen=True)
class Scores:
    """How close a predicted split of ads into persons is to the truth.

    `persons_error` is (predicted - true) / true persons: negative when ads of different
    persons were merged, positive when a person's ads were split. Precision, recall and F1
    are in [0, 1]. With no predicted pairs (all singletons) pairwise precision is 1, with
    no true pairs pairwise recall is 1: no pair was wrongly made, or none was missed.
    """

    ads: int
    persons_true: int
    persons_pred: int
    persons_error: float
    pairwise_precision: float
    pairwise_recall: float
    pairwise_f1: float
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float

    def to_dict(self) -> dict[str, float | int]:
        """The scores as a plain dict, in field order (for JSON)."""
        return asdict(self)


def score_clusters(pred: pd.Series, truth: pd.Series) -> Scores:
    """Score predicted clusters against true ones; both indexed by ad id, values cluster ids.

    The two must cover the same ads, each once, with no missing cluster id; otherwise
    InputError says how many ads differ and gives an example.
    """
    truth_values = _align(pred, truth)
    pred_codes, _ = pd.factorize(pred.array)
    true_codes, _ = pd.factorize(truth_values)
    n_true = int(true_codes.max()) + 1
    cells, overlap = np.unique(
        pred_codes.astype(np.int64) * n_true + true_codes, return_counts=True
    )
    pred_sizes = np.bincount(pred_codes).astype(np.int64)
    true_sizes = np.bincount(true_codes).astype(np.int64)
    overlap = overlap.astype(np.int64)

    true_links = _pairs(overlap)
    pred_pairs, true_pairs = _pairs(pred_sizes), _pairs(true_sizes)
    pairwise_precision = true_links / pred_pairs if pred_pairs else 1.0
    pairwise_recall = true_links / true_pairs if true_pairs else 1.0

    # Each of the n_ij ads in cell (i, j) has n_ij / |pred_i| precision, n_ij / |true_j| recall.
    squared = overlap.astype(np.float64) ** 2
    ads = len(pred_codes)
    bcubed_precision = float((squared / pred_sizes[cells // n_true]).sum() / ads)
    bcubed_recall = float((squared / true_sizes[cells % n_true]).sum() / ads)

    persons_true, persons_pred = len(true_sizes), len(pred_sizes)
    return Scores(
        ads=ads,
        persons_true=persons_true,
        persons_pred=persons_pred,
        persons_error=(persons_pred - persons_true) / persons_true,
        pairwise_precision=float(pairwise_precision),
        pairwise_recall=float(pairwise_recall),
        pairwise_f1=_f1(pairwise_precision, pairwise_recall),
        bcubed_precision=bcubed_precision,
        bcubed_recall=bcubed_recall,
        bcubed_f1=_f1(bcubed_precision, bcubed_recall),
    )


def _pairs(sizes: np.ndarray) -> int:
    """How many pairs clusters of these sizes hold: sum of n(n-1)/2."""
    return int((sizes * (sizes - 1) // 2).sum())


def _f1(precision: float, recall: float) -> float:
    total = precision + recall
    return float(2 * precision * recall / total) if total else 0.0


def _align(pred: pd.Series, truth: pd.Series) -> ExtensionArray | np.ndarray:
    """Truth's cluster ids in the order of `pred`'s ads, after checking both cover the same ads."""
    for what, series in (("predictions", pred), ("truth", truth)):
        if series.empty:
            raise InputError(f"the {what} hold no ads: nothing to score.")
        if not series.index.is_unique:
            repeated = series.index[series.index.duplicated()]
            raise InputError(
                f"{repeated.nunique()} ad ids appear more than once in the {what} "
                f"(e.g. {repeated[0]!r}); each ad must have exactly one row."
            )
        blank = (series.isna() | (series.astype(str) == "")).to_numpy()
        if blank.any():
            raise InputError(
                f"{int(blank.sum())} ads have no person id in the {what} "
                f"(e.g. {series.index[blank][0]!r})."
            )
    position = truth.index.get_indexer(pred.index)
    found = position >= 0
    if not found.all() or len(truth) != len(pred):
        parts = []
        if not found.all():
            parts.append(
                f"{int((~found).sum())} predicted ads are not in the truth "
                f"(e.g. {pred.index[~found][0]!r})"
            )
        only_truth = truth.index.difference(pred.index)
        if len(only_truth):
            parts.append(f"{len(only_truth)} true ads are not predicted (e.g. {only_truth[0]!r})")
        raise InputError(
            "; ".join(parts) + ". Check that both files come from the same census and that "
            "the key names the ad id column (--key)."
        )
    return truth.array.take(position)


def evaluate_files(pred: Path, truth: Path, key: str | None = None) -> Scores:
    """Score a dedupe output against a truth file.

    `pred` is a dedupe output folder (its ads.csv is read), a census store, or an ads.csv
    with a person_id column; `truth` is a CSV with ad_id and person_id (as `adcensus
    synth` writes). `key` names the ad id column of `pred`; by default the column whose
    role is ad_id.
    """
    pred_path = Path(pred)
    if pred_path.is_file() and is_store_file(pred_path):
        with dedupe_folder(pred_path) as folder:
            return evaluate_files(folder, truth, key)
    if pred_path.is_dir():
        pred_path = pred_path / "ads.csv"
    check_belongs(pred_path)  # an ads.csv not of its folder's run is refused
    pred_frame = read_text_csv(pred_path)
    truth_frame = read_text_csv(Path(truth))
    if key is None:
        key = _ad_id_column(list(pred_frame.columns), pred_path)
    for frame, path, needed in (
        (pred_frame, pred_path, (key, PERSON_ID)),
        (truth_frame, Path(truth), (TRUTH_KEY, PERSON_ID)),
    ):
        missing = [column for column in needed if column not in frame.columns]
        if missing:
            raise InputError(
                f"{path}: no column {', '.join(map(repr, missing))} "
                f"(columns: {', '.join(map(repr, frame.columns))})."
            )
    truth_series = pd.Series(
        truth_frame[PERSON_ID].to_numpy(), index=pd.Index(truth_frame[TRUTH_KEY]), name="truth"
    )
    ids = pred_frame[key]
    # Ids dedupe neutralised for spreadsheets ("'=A1") come back to their original form.
    if ids.str.startswith("'").any():
        quoted = ids.str.match(_NEUTRALISED) & ~ids.isin(truth_series.index)
        ids = ids.where(~quoted, ids.str[1:])
    pred_series = pd.Series(pred_frame[PERSON_ID].to_numpy(), index=pd.Index(ids), name="pred")
    return score_clusters(pred_series, truth_series)


def read_text_csv(path: Path) -> pd.DataFrame:
    """Read a CSV as text: every cell a string, empty cells "", `;`, `,` or tab sniffed
    as in a dedupe folder (adcensus.outputs.delimiter_of).

    UTF-8 with or without a byte-order mark, as adcensus writes. InputError if unreadable.
    """
    if not path.is_file():
        raise InputError(f"{path}: no such file.")
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = handle.readline()
        delimiter = delimiter_of(header)
        return pd.read_csv(
            path, sep=delimiter, dtype=str, encoding="utf-8-sig", keep_default_na=False
        )
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text; save it as CSV UTF-8.") from None
    except pd.errors.EmptyDataError:
        raise InputError(f"{path}: the file is empty.") from None
    except pd.errors.ParserError as exc:
        raise InputError(f"{path}: not a readable CSV ({str(exc).strip()}).") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc}).") from None


def _ad_id_column(headers: list[str], path: Path) -> str:
    """The column holding the ad id: by role detection, else by a usual header name."""
    # Columns dedupe adds are never the input's ad id ("person_id" would look like one).
    original = [header for header in headers if header not in ADS_OUTPUT_COLUMNS]
    try:
        from adcensus.read import detect_roles

        column = detect_roles(original).get(AD_ID)
    except (ImportError, AdcensusError):
        column = None
    if column:
        return column
    folded = {_fold(header): header for header in reversed(original)}
    for name in _ID_NAMES:
        if name in folded:
            return folded[name]
    raise InputError(
        f"{path}: no ad id column found (columns: {', '.join(map(repr, headers))}); "
        "name it with --key."
    )


def _fold(header: str) -> str:
    plain = unicodedata.normalize("NFKD", header).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9_]+", " ", plain.lower()).split())
