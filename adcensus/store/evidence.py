"""Why a store merged or split persons: the pairs behind each event, as readable text."""

from __future__ import annotations

import pandas as pd


def _describe(pair: pd.Series) -> str:
    text = f"{pair['ad_a']}–{pair['ad_b']} score {float(pair['score']):.3f}"
    if pair["decision"] not in ("link", ""):
        text += f" ({pair['decision']})"
    return text + (f": {pair['evidence']}" if pair["evidence"] else "")


def _both_ways(pairs: pd.DataFrame, tag_a: pd.Series, tag_b: pd.Series) -> pd.DataFrame:
    """Each pair twice, once from each end: columns mine, other, and the pair's own."""
    one = pairs.assign(mine=tag_a.to_numpy(), other=tag_b.to_numpy())
    two = pairs.assign(mine=tag_b.to_numpy(), other=tag_a.to_numpy())
    return pd.concat([one, two], ignore_index=True)


def merge_evidence(
    merges: pd.DataFrame, pairs: pd.DataFrame, previous: dict[str, str], load_id: int
) -> list[str]:
    """For each merge, the strongest link that joins the absorbed person's ads to others.

    `pairs` is dedupe's pairs table (ad keys); `previous` maps a stored ad's key to its
    store id before the load (new ads are absent).
    """
    linked = pairs[pairs["same_person"] == 1]
    tag_a = linked["ad_a"].map(previous).astype(object).fillna("(new ad)")
    tag_b = linked["ad_b"].map(previous).astype(object).fillna("(new ad)")
    cross = _both_ways(
        linked[(tag_a != tag_b).to_numpy()], tag_a[tag_a != tag_b], tag_b[tag_a != tag_b]
    )
    best = cross.sort_values("score", ascending=False, kind="stable").drop_duplicates("mine")
    best = best.set_index("mine")
    texts = []
    for absorbed, survivor in zip(merges["absorbed_id"], merges["survivor_id"], strict=True):
        lead = f"load {load_id} joined {absorbed} to {survivor}"
        if absorbed in best.index:
            pair = best.loc[absorbed]
            lead += f" through {pair['other']}: {_describe(pair)}"
        texts.append(lead)
    return texts


def split_evidence(
    splits: pd.DataFrame,
    pairs: pd.DataFrame,
    previous: dict[str, str],
    current: dict[str, str],
    load_id: int,
) -> list[str]:
    """For each split, the strongest pair still joining the moved ads to those left behind.

    `current` maps every ad key to its store id after the load. A refused (`conflict`)
    or `doubtful` pair is the usual reason a person comes apart.
    """
    before_a, before_b = (pairs[end].map(previous).astype(object) for end in ("ad_a", "ad_b"))
    after_a, after_b = (pairs[end].map(current).astype(object) for end in ("ad_a", "ad_b"))
    apart = (before_a == before_b) & (after_a != after_b) & before_a.notna()
    stayed_a = apart & (after_a == before_a)
    stayed_b = apart & (after_b == before_b)
    found = pd.concat(
        [
            pairs[stayed_a].assign(key=before_a[stayed_a] + ">" + after_b[stayed_a]),
            pairs[stayed_b].assign(key=before_b[stayed_b] + ">" + after_a[stayed_b]),
        ],
        ignore_index=True,
    )
    best = found.sort_values("score", ascending=False, kind="stable").drop_duplicates("key")
    best = best.set_index("key")
    texts = []
    for person, to in zip(splits["person_id"], splits["to_person_id"], strict=True):
        lead = f"load {load_id} re-linked these ads of {person} apart from its other ads"
        key = f"{person}>{to}"
        if key in best.index:
            lead += f"; strongest pair left between them: {_describe(best.loc[key])}"
        else:
            lead += "; no pair between them reaches the doubtful range any more"
        texts.append(lead)
    return texts
