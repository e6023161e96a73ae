"""Which pairs a reviewer sees, in which order, and what was already decided about them.

**The review queue** is the doubtful links: the pairs of pairs.csv whose decision is
`doubtful` (scored within the doubtful margin of the threshold) or `conflict` (linked
by score, refused for a conflict of pseudonyms or ages), closest to the threshold
first (`REVIEW_QUEUE`). It is the number `adcensus dedupe` prints as "doubtful links
to review" and writes as `pairs_to_review` in summary.json (`queue_size`). A pair
answered y or n, in any mode, leaves the queue; a skipped one stays, at the end. Once dedupe has obeyed an
answer the pair is `confirmed` or `rejected` and no longer doubtful, so the number
dedupe prints is the number the review then opens with.

**The sample** (`--sample N`, mode "sample") is a uniform random sample of the
automatic links (`link` or `doubtful` pairs that joined two ads), so that the answers
measure the precision of linking. Each pair gets a rank from a hash of the seed and
its two ad keys, and the sample is the pairs of smallest rank: the same seed gives the
same sample, a bigger sample holds the smaller one, and a new dedupe run keeps the
pairs already answered.

**A spreadsheet** (`export_queue`) holds the doubtful links still to answer first, then
the sample's links still to answer, up to a limit, of which the sample fills at least a
fifth: a small review counts twice, for the links it corrects and for the precision it
measures.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from adcensus.decisions import read_records
from adcensus.errors import InputError
from adcensus.outputs import REVIEW_QUEUE, Decision
from adcensus.review.source import ReviewSource

# The review's modes: the doubtful links (the review queue), or a random sample.
DOUBTFUL = "doubtful"
SAMPLE = "sample"
MODES = (DOUBTFUL, SAMPLE)
AUTOMATIC_LINKS = (Decision.LINK, Decision.DOUBTFUL)
# The least share of a review spreadsheet's rows that the random sample fills, when
# there are more doubtful links than rows: every sheet measures precision too.
SAMPLE_SHARE = 0.2

# Why a pair is in the queue, as the screen and the spreadsheet say it.
WHY = {
    "doubtful": "score near the threshold",
    "conflict": "linked by score, refused (pseudonyms or ages differ, or a reviewer said different)",
    "sample": "random sample of links",
}


@dataclass(frozen=True)
class ReviewPair:
    """One pair to judge; `earlier` is the standing answer ("y", "n", "s" or "").

    `mode` is the mode its answer is saved with ("" for the queue's own mode).
    """

    ad_a: str
    ad_b: str
    score: float
    decision: str
    evidence: str
    same_person: bool
    why: str
    earlier: str = ""
    mode: str = ""

    @property
    def pair_id(self) -> str:
        """The pair's id in spreadsheets (see `pair_id`)."""
        return pair_id(self.ad_a, self.ad_b)


def pair_id(ad_a: str, ad_b: str) -> str:
    """A short id derived from the two ad keys, in either order: "R" and 10 hex digits."""
    a, b = sorted((str(ad_a), str(ad_b)))
    return "R" + hashlib.sha256(f"{a}\t{b}".encode()).hexdigest()[:10]


def repair_decisions_file(path: Path) -> None:
    """Drop a last line cut short by a crash, so that the next decision starts a line.

    `load_decisions` ignores such a line; but a decision appended after it would be
    glued to it and make the whole file unreadable.
    """
    if not path.is_file() or path.stat().st_size == 0:
        return
    with path.open("rb+") as handle:
        data = handle.read()
        if data.endswith(b"\n"):
            return
        handle.truncate(data.rfind(b"\n") + 1)


def standing_records(path: Path, mode: str | None = None) -> pd.DataFrame:
    """The last record per pair (`ad_a` < `ad_b`, `decision` y/n/s, `mode`), of `mode` only if given.

    Reads the file with `adcensus.decisions.read_records` (a missing file has no record).
    """
    if not path.is_file():
        return pd.DataFrame(columns=["ad_a", "ad_b", "decision", "mode"], dtype=object)
    frame = read_records(path)
    if mode is not None:
        frame = frame[frame["mode"] == mode]
    return frame.drop_duplicates(["ad_a", "ad_b"], keep="last").reset_index(drop=True)


def pairs_of(
    frame: pd.DataFrame, why: str | pd.Series, earlier: dict[tuple[str, str], str]
) -> list[ReviewPair]:
    whys = why if isinstance(why, pd.Series) else pd.Series(why, index=frame.index)
    return [
        ReviewPair(
            ad_a=str(row.ad_a),
            ad_b=str(row.ad_b),
            score=float(row.score),
            decision=str(row.decision),
            evidence=str(row.evidence),
            same_person=bool(row.same_person),
            why=str(whys[index]),
            earlier=earlier.get((str(row.ad_a), str(row.ad_b)), ""),
        )
        for index, row in zip(frame.index, frame.itertuples(index=False), strict=True)
    ]


def _sorted_pairs(pairs: pd.DataFrame) -> pd.DataFrame:
    """pairs.csv with each pair's keys in order (ad_a < ad_b), as decisions are stored."""
    a, b = pairs["ad_a"].astype(str), pairs["ad_b"].astype(str)
    swap = a > b
    return pairs.assign(ad_a=a.where(~swap, b), ad_b=b.where(~swap, a))


def _earlier(records: pd.DataFrame) -> dict[tuple[str, str], str]:
    return {
        (str(a), str(b)): str(d)
        for a, b, d in zip(records["ad_a"], records["ad_b"], records["decision"], strict=True)
    }


def queue_size(pairs: pd.DataFrame) -> int:
    """How many pairs of a pairs.csv frame are in the review queue (doubtful or conflict)."""
    return int(pairs["decision"].isin(REVIEW_QUEUE).sum())


def doubtful_pairs(source: ReviewSource, records: pd.DataFrame) -> list[ReviewPair]:
    """Every pair of the review queue, in order, decided ones included."""
    pairs = _sorted_pairs(source.pairs)
    hard = pairs[pairs["decision"].isin(REVIEW_QUEUE)]
    hard = hard.assign(distance=(hard["score"] - source.threshold).abs())
    hard = hard.sort_values(["distance", "ad_a", "ad_b"], kind="stable")
    return pairs_of(hard, hard["decision"].astype(str), _earlier(records))


def sample_rank(seed: int, ad_a: str, ad_b: str) -> int:
    """A pair's place in the random order of `seed` (uniform, independent of other pairs)."""
    a, b = sorted((str(ad_a), str(ad_b)))
    return int.from_bytes(hashlib.sha256(f"{seed}\t{a}\t{b}".encode()).digest()[:8], "big")


def sample_pairs(
    source: ReviewSource, records: pd.DataFrame, size: int, seed: int
) -> list[ReviewPair]:
    """A seeded uniform sample of `size` automatic links (see the module docstring).

    `records` are the sample-mode records: pairs answered in an earlier sample stay
    in it even when a later dedupe run confirmed or rejected them.
    """
    return pairs_of(_ranked_pool(source, records, seed).head(size), "sample", _earlier(records))


def _ranked_pool(source: ReviewSource, records: pd.DataFrame, seed: int) -> pd.DataFrame:
    """The pairs a sample is drawn from, in the random order of `seed` (see `sample_pairs`)."""
    pairs = _sorted_pairs(source.pairs)
    answered = set(zip(records["ad_a"], records["ad_b"], strict=True))
    automatic = pairs["decision"].isin(AUTOMATIC_LINKS) & (pairs["same_person"] == 1)
    before = pd.Series(
        [(a, b) in answered for a, b in zip(pairs["ad_a"], pairs["ad_b"], strict=True)],
        index=pairs.index,
        dtype=bool,
    )
    pool = pairs[automatic | before].drop_duplicates(["ad_a", "ad_b"])
    rank = [sample_rank(seed, a, b) for a, b in zip(pool["ad_a"], pool["ad_b"], strict=True)]
    return pool.assign(rank=rank).sort_values("rank", kind="stable")


def build_queue(
    source: ReviewSource, sample: int | None = None, seed: int = 0
) -> tuple[str, list[ReviewPair]]:
    """The mode and every pair of its queue, in order, each with its standing answer."""
    if sample is not None:
        if sample < 1:
            raise InputError(f"--sample must be at least 1, got {sample}")
        records = standing_records(source.decisions_path, SAMPLE)
        return SAMPLE, sample_pairs(source, records, sample, seed)
    records = standing_records(source.decisions_path)
    return DOUBTFUL, doubtful_pairs(source, records)


def pending(queue: list[ReviewPair]) -> list[ReviewPair]:
    """The pairs still to answer: never seen first, then those skipped or undone earlier."""
    fresh = [p for p in queue if p.earlier == ""]
    skipped = [p for p in queue if p.earlier == "s"]
    return fresh + skipped


def export_queue(
    source: ReviewSource, limit: int, seed: int = 0, sample: int | None = None
) -> tuple[list[ReviewPair], int]:
    """The pairs of a review spreadsheet, each with its mode, and how many were left out.

    Without `sample`: the doubtful links still to answer, closest to the threshold first,
    then links of the seeded sample (`seed`) still to answer, `limit` rows in all. At
    least a fifth of them (SAMPLE_SHARE) are sampled links whenever there are links to
    sample, so that every sheet measures precision too. A doubtful link that the sample
    draws is saved in mode "sample", so that the sample stays uniform over the automatic
    links. With `sample`: that sample's pairs still to answer, at most `limit`. "Left
    out" counts the doubtful links (or sampled pairs) still to answer that did not fit.
    """
    if limit < 1:
        raise InputError(f"--limit must be at least 1, got {limit}")
    if sample is not None:
        _, sampled = build_queue(source, sample, seed)
        todo = [replace(p, mode=SAMPLE) for p in pending(sampled)]
        return todo[:limit], max(0, len(todo) - limit)
    _, queue = build_queue(source)
    doubtful = pending(queue)
    keys = {(p.ad_a, p.ad_b) for p in doubtful}
    want = max(limit - len(doubtful), int(limit * SAMPLE_SHARE))
    records = standing_records(source.decisions_path)
    answered = {(a, b) for a, b, d in _triples(records) if d in ("y", "n")}
    drawn: set[tuple[str, str]] = set()  # doubtful links the sample drew
    extra: list[ReviewPair] = []
    ranked = _ranked_pool(source, standing_records(source.decisions_path, SAMPLE), seed)
    for pair in pairs_of(ranked, "sample", _earlier(records)):
        key = (pair.ad_a, pair.ad_b)
        if key in answered:
            continue
        if key in keys:  # drawn by the sample: its answer counts for the precision too
            drawn.add(key)
            continue
        if len(extra) >= want:
            break
        extra.append(replace(pair, mode=SAMPLE))
    room = max(0, limit - len(extra) - len(drawn))  # for the doubtful links not drawn
    chosen: list[ReviewPair] = []
    for pair in doubtful:
        if (pair.ad_a, pair.ad_b) in drawn:
            chosen.append(replace(pair, mode=SAMPLE))
        elif room:
            chosen.append(pair)
            room -= 1
    return chosen + extra, len(doubtful) - len(chosen)


def _triples(records: pd.DataFrame) -> zip[tuple[str, str, str]]:
    return zip(records["ad_a"], records["ad_b"], records["decision"], strict=True)
