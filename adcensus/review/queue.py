"""Which pairs a reviewer sees, in which order, and what was already decided about them.

Two modes:

- **doubtful** (the default): the hard cases first. Pairs scored within the doubtful
  margin of the threshold and refused conflicts, closest to the threshold first; then
  pairs that share an agency's phone but were not linked, strongest first; then, for
  each person of LARGE_PERSON_ADS ads or more (largest first), the weakest
  LINKS_PER_LARGE_PERSON links of its maximum spanning tree: the links that hold the
  person together, where one wrong link would glue two persons into one.
- **sample**: a uniform random sample of the automatic links (`link` or `doubtful`
  pairs that joined two ads), so that the answers measure the precision of linking.
  Each pair gets a rank from a hash of the seed and its two ad keys, and the sample is
  the pairs of smallest rank: the same seed gives the same sample, a bigger sample
  holds the smaller one, and a new dedupe run keeps the pairs already answered.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from adcensus.decisions import read_records
from adcensus.errors import InputError
from adcensus.review.source import ReviewSource

DOUBTFUL = "doubtful"
SAMPLE = "sample"
MODES = (DOUBTFUL, SAMPLE)
LARGE_PERSON_ADS = 10
LINKS_PER_LARGE_PERSON = 3
AUTOMATIC_LINKS = ("link", "doubtful")

# Why a pair is in the queue, as the screen and the spreadsheet say it.
WHY = {
    "doubtful": "score near the threshold",
    "conflict": "linked by score, refused by a pseudonym or age conflict",
    "agency": "shares an agency phone, not linked",
    "large": "a weak link inside a large person",
    "sample": "random sample of links",
}


@dataclass(frozen=True)
class ReviewPair:
    """One pair to judge; `earlier` is the standing answer ("y", "n", "s" or "")."""

    ad_a: str
    ad_b: str
    score: float
    decision: str
    evidence: str
    same_person: bool
    why: str
    earlier: str = ""

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


def doubtful_pairs(source: ReviewSource, records: pd.DataFrame) -> list[ReviewPair]:
    """Every pair of the doubtful queue, in order, decided ones included."""
    pairs = _sorted_pairs(source.pairs)
    earlier = _earlier(records)
    hard = pairs[pairs["decision"].isin(["doubtful", "conflict"])]
    hard = hard.assign(distance=(hard["score"] - source.threshold).abs())
    hard = hard.sort_values(["distance", "ad_a", "ad_b"], kind="stable")
    agency = pairs[pairs["decision"] == "agency"]
    agency = agency.sort_values(["score", "ad_a", "ad_b"], ascending=[False, True, True])
    queue = pairs_of(hard, hard["decision"].astype(str), earlier)
    queue += pairs_of(agency, "agency", earlier)
    seen = {(p.ad_a, p.ad_b) for p in queue}
    large = [p for p in _large_person_links(source, pairs, earlier) if (p.ad_a, p.ad_b) not in seen]
    return queue + large


def _large_person_links(
    source: ReviewSource, pairs: pd.DataFrame, earlier: dict[tuple[str, str], str]
) -> list[ReviewPair]:
    sizes = source.person_sizes
    large = sizes[sizes >= LARGE_PERSON_ADS]
    if large.empty:
        return []
    links = pairs[pairs["decision"].isin(AUTOMATIC_LINKS) & (pairs["same_person"] == 1)]
    person = source.ads["person_id"].reindex(links["ad_a"].to_numpy()).to_numpy()
    links = links.assign(person=person)
    links = links[links["person"].isin(large.index)]
    order = sorted(large.index, key=lambda p: (-int(large[p]), str(p)))
    rank = {person_id: position for position, person_id in enumerate(order)}
    chosen: list[pd.DataFrame] = []
    for person_id, group in links.groupby("person", sort=False):
        tree = _spanning_tree(group)
        weakest = tree.sort_values(["score", "ad_a", "ad_b"], kind="stable")
        chosen.append(weakest.head(LINKS_PER_LARGE_PERSON).assign(rank=rank[person_id]))
    if not chosen:
        return []
    frame = pd.concat(chosen).sort_values(["rank", "score", "ad_a", "ad_b"], kind="stable")
    return pairs_of(frame, "large", earlier)


def _spanning_tree(links: pd.DataFrame) -> pd.DataFrame:
    """The links of a maximum spanning tree (Kruskal, strongest first, ties by ad keys)."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    keep = []
    ordered = links.sort_values(["score", "ad_a", "ad_b"], ascending=[False, True, True])
    for index, a, b in zip(ordered.index, ordered["ad_a"], ordered["ad_b"], strict=True):
        ra, rb = root(str(a)), root(str(b))
        if ra != rb:
            parent[ra] = rb
            keep.append(index)
    return links.loc[keep]


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
    chosen = pool.assign(rank=rank).sort_values("rank", kind="stable").head(size)
    return pairs_of(chosen, "sample", _earlier(records))


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
