"""Why: the ads of a person and the links that hold it together, or how two ads are linked.

`explain(source, ids)` answers for a person id, an ad key, or two ad keys of a dedupe
output folder or a census store (read by `adcensus.review.open_source`):

- a person (or the person of one ad): its ads, and the links that hold it together, the
  maximum spanning tree of its links (the strongest links that join all its ads, so
  its weakest link is where it would come apart), weakest first, each with its score,
  decision and evidence; then the strongest pairs with ads of other persons, that were
  not linked (the near misses);
- two ads: whether they are one person, the pair between them if it was scored, and
  the chain of links that joins them (the path between them in their person's tree).

A link is a pair that joined its two ads: `confirmed` by a reviewer, or `link` or
`doubtful` with a score of at least the threshold. `explanation_view` lays an
explanation out for a terminal, phone numbers masked unless asked.
"""

from __future__ import annotations

import textwrap
from collections import deque
from dataclasses import dataclass

import pandas as pd
from rich.console import Group, RenderableType
from rich.text import Text

from adcensus import columns as col
from adcensus.errors import InputError
from adcensus.outputs import LINKING, joining
from adcensus.privacy import mask_phones_in
from adcensus.review.screen import ad_fields, printable
from adcensus.review.source import ReviewSource

NEAR_MISSES = 5  # pairs with other persons' ads shown for a person
MAX_ROWS = 50  # ads and links listed for a person; the rest are counted


@dataclass(frozen=True)
class PersonExplanation:
    """A person: its ads (keys, in ads.csv order), its tree links weakest first, near misses.

    `focus` is the ad asked about, when an ad key was given. `other_links` counts the
    links between its ads that the tree does not need.
    """

    person_id: str
    ads: list[str]
    focus: str | None
    tree: pd.DataFrame
    other_links: int
    near: pd.DataFrame


@dataclass(frozen=True)
class PairExplanation:
    """Two ads: their persons, their own pair (0 or 1 row) and the chain that joins them."""

    ad_a: str
    ad_b: str
    person_a: str
    person_b: str
    direct: pd.DataFrame
    chain: pd.DataFrame

    @property
    def same_person(self) -> bool:
        """Whether the two ads are one person."""
        return self.person_a == self.person_b


Explanation = PersonExplanation | PairExplanation


def links_of(source: ReviewSource) -> pd.DataFrame:
    """The pairs that joined their two ads (see the module docstring)."""
    pairs = source.pairs
    return pairs[joining(pairs, source.threshold) & (pairs["same_person"] == 1)]


def explain(source: ReviewSource, ids: list[str]) -> Explanation:
    """The explanation of one person id or ad key, or of two ad keys (InputError otherwise)."""
    ids = [str(i).strip() for i in ids]
    if len(ids) not in (1, 2):
        raise InputError("give one person id or ad id, or two ad ids")
    if len(ids) == 1:
        wanted = ids[0]
        persons = source.ads[col.PERSON_ID]
        if wanted in source.ads.index:
            return explain_person(source, str(persons[wanted]), focus=wanted)
        if (persons == wanted).any():
            return explain_person(source, wanted)
        raise InputError(_unknown(source, wanted, "person id or ad id"))
    for wanted in ids:
        if wanted not in source.ads.index:
            raise InputError(_unknown(source, wanted, "ad id"))
    if ids[0] == ids[1]:
        raise InputError(f"{ids[0]} twice: give two different ad ids")
    return explain_pair(source, ids[0], ids[1])


def _unknown(source: ReviewSource, wanted: str, what: str) -> str:
    example = source.ads.index[0] if len(source.ads) else "A0001"
    person = source.ads[col.PERSON_ID].iloc[0] if len(source.ads) else "P…"
    return (
        f"{wanted}: no {what} of that name in {source.location}; give a person_id of "
        f"persons.csv (such as {person}) or an ad_key of ads.csv (such as {example})"
    )


def explain_person(
    source: ReviewSource, person_id: str, focus: str | None = None
) -> PersonExplanation:
    """A person's ads, the links of its maximum spanning tree (weakest first), near misses."""
    members = source.ads.index[source.ads[col.PERSON_ID] == person_id].astype(str).tolist()
    inside = set(members)
    links = links_of(source)
    own = links[links["ad_a"].isin(inside) & links["ad_b"].isin(inside)]
    tree = spanning_tree(own).sort_values(["score", "ad_a", "ad_b"], kind="stable")
    pairs = source.pairs
    touching = pairs["ad_a"].isin(inside) ^ pairs["ad_b"].isin(inside)
    near = pairs[touching & (pairs["same_person"] == 0)]
    near = near.sort_values(["score", "ad_a", "ad_b"], ascending=[False, True, True])
    return PersonExplanation(
        person_id=person_id,
        ads=members,
        focus=focus,
        tree=tree.reset_index(drop=True),
        other_links=len(own) - len(tree),
        near=near.head(NEAR_MISSES).reset_index(drop=True),
    )


def explain_pair(source: ReviewSource, ad_a: str, ad_b: str) -> PairExplanation:
    """Whether two ads are one person, their own pair, and the chain of links between them."""
    persons = source.ads[col.PERSON_ID]
    pairs = source.pairs
    direct = pairs[
        ((pairs["ad_a"] == ad_a) & (pairs["ad_b"] == ad_b))
        | ((pairs["ad_a"] == ad_b) & (pairs["ad_b"] == ad_a))
    ]
    chain = pairs.iloc[0:0]
    person_a, person_b = str(persons[ad_a]), str(persons[ad_b])
    if person_a == person_b:
        inside = set(source.ads.index[persons == person_a].astype(str))
        links = links_of(source)
        own = links[links["ad_a"].isin(inside) & links["ad_b"].isin(inside)]
        chain = path_in_tree(spanning_tree(own), ad_a, ad_b)
    return PairExplanation(
        ad_a=ad_a,
        ad_b=ad_b,
        person_a=person_a,
        person_b=person_b,
        direct=direct.reset_index(drop=True),
        chain=chain.reset_index(drop=True),
    )


def spanning_tree(links: pd.DataFrame) -> pd.DataFrame:
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


def path_in_tree(tree: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    """The links of `tree` on the way from ad `start` to ad `end`, in that order.

    In a maximum spanning tree this path is the strongest chain between the two ads:
    its weakest link is as strong as any chain's can be. Empty when they are not joined.
    """
    neighbours: dict[str, list[tuple[str, int]]] = {}
    for index, a, b in zip(tree.index, tree["ad_a"], tree["ad_b"], strict=True):
        neighbours.setdefault(str(a), []).append((str(b), index))
        neighbours.setdefault(str(b), []).append((str(a), index))
    came: dict[str, tuple[str, int] | None] = {start: None}
    queue = deque([start])
    while queue:
        here = queue.popleft()
        for there, index in neighbours.get(here, []):
            if there not in came:
                came[there] = (here, index)
                queue.append(there)
    if end not in came:
        return tree.iloc[0:0]
    steps = []
    here = end
    while (step := came[here]) is not None:
        here, index = step
        steps.append(index)
    return tree.loc[steps[::-1]]


# ---- on a terminal --------------------------------------------------------------------------


def explanation_view(
    source: ReviewSource, explanation: Explanation, show_phones: bool = False, width: int = 80
) -> RenderableType:
    """An explanation as a reviewer reads it: the ads, then each link with its evidence.

    Everything is rich `Text` (scraped ads are never read as markup); phone numbers
    are masked in every field and in the evidence unless `show_phones`. Long lines are
    wrapped at `width` with a hanging indent: print it with `soft_wrap=True`.
    """
    if isinstance(explanation, PairExplanation):
        return _pair_view(source, explanation, show_phones, width)
    return _person_view(source, explanation, show_phones, width)


def _person_view(
    source: ReviewSource, person: PersonExplanation, show_phones: bool, width: int
) -> RenderableType:
    count = len(person.ads)
    head = f"person {person.person_id}: {count} ad{'' if count == 1 else 's'}"
    parts: list[RenderableType] = [Text(printable(head), style="bold")]
    parts.append(_ads_table(source, person.ads[:MAX_ROWS], show_phones, person.focus, width))
    if count > MAX_ROWS:
        parts.append(Text(f"… and {count - MAX_ROWS:,} more ads: see ads.csv"))
    if count > 1:
        parts.append(
            Text(
                f"\nthe links that hold it together ({len(person.tree):,}), weakest first:",
                style="bold",
            )
        )
        parts += _links(source, person.tree.head(MAX_ROWS), show_phones, width)
        if len(person.tree) > MAX_ROWS:
            parts.append(Text(f"… and {len(person.tree) - MAX_ROWS:,} stronger links"))
        if person.other_links:
            parts.append(
                Text(
                    f"and {person.other_links:,} more link{'' if person.other_links == 1 else 's'}"
                    " between its ads, not needed to join them"
                )
            )
    else:
        reason = str(source.ads.loc[person.ads[0], "link_reason"]) if person.ads else ""
        parts.append(Text(f"\nalone: no link joined this ad to another{_reason(reason)}"))
    if not person.near.empty:
        parts.append(
            Text("\nthe strongest pairs with ads of other persons, not linked:", style="bold")
        )
        parts += _links(source, person.near, show_phones, width, persons=True)
    return Group(*parts)


def _reason(reason: str) -> str:
    return "" if reason in ("", "alone", "nan") else f" ({reason})"


def _pair_view(
    source: ReviewSource, pair: PairExplanation, show_phones: bool, width: int
) -> RenderableType:
    a, b = pair.ad_a, pair.ad_b
    if pair.same_person:
        if not pair.direct.empty and _is_link(source, pair.direct.iloc[0]):
            verdict = f"{a} and {b}: one person, {pair.person_a}, linked directly"
        else:
            hops = len(pair.chain)
            verdict = (
                f"{a} and {b}: one person, {pair.person_a}, through a chain of {hops} "
                f"link{'' if hops == 1 else 's'}"
            )
    else:
        verdict = f"{a} and {b}: not linked; two persons, {pair.person_a} and {pair.person_b}"
    parts: list[RenderableType] = [Text(printable(verdict), style="bold")]
    parts.append(_ads_table(source, [a, b], show_phones, None, width))
    if pair.direct.empty:
        parts.append(
            Text(
                "\ntheir pair was not scored: nothing they share (phone, pseudonym, words of "
                "their texts) made them candidates"
            )
        )
    else:
        parts.append(Text("\ntheir own pair:", style="bold"))
        parts += _links(source, pair.direct, show_phones, width)
    if pair.same_person and not (not pair.direct.empty and _is_link(source, pair.direct.iloc[0])):
        chain = " – ".join(_chain_ads(pair))
        parts.append(Text(f"\nthe chain that joins them (the strongest): {chain}", style="bold"))
        parts += _links(source, pair.chain, show_phones, width)
    return Group(*parts)


def _chain_ads(pair: PairExplanation) -> list[str]:
    ads = [pair.ad_a]
    for a, b in zip(pair.chain["ad_a"], pair.chain["ad_b"], strict=True):
        ads.append(str(b) if str(a) == ads[-1] else str(a))
    return ads


def _is_link(source: ReviewSource, row: pd.Series) -> bool:
    return row["decision"] in LINKING and float(row["score"]) >= source.threshold


def _indented(text: str, indent: int, width: int) -> Text:
    """`text` wrapped at `width`, every line indented by `indent` spaces."""
    pad = " " * indent
    wrapped = textwrap.fill(
        printable(text).replace("\n", " "),
        max(width, indent + 20),
        initial_indent=pad,
        subsequent_indent=pad,
        break_on_hyphens=False,
    )
    return Text(wrapped)


def _ads_table(
    source: ReviewSource, keys: list[str], show_phones: bool, focus: str | None, width: int
) -> RenderableType:
    """One block per ad: its key and short fields on a line, its title below."""
    blocks: list[RenderableType] = []
    for key in keys:
        fields = ad_fields(source, key, show_phones)
        line = Text(printable(key), style="bold")
        where = " · ".join(fields.get(n, "") for n in ("site", "date", "city") if fields.get(n))
        line.append(f"  {where}")
        if key == focus:
            line.append("  ← asked about", style="bold")
        blocks.append(line)
        who = [fields.get(n, "").replace("\n", ", ") for n in ("name", "age", "phones")]
        title = fields.get("title", "") or fields.get("text", "")[:120]
        for text in (" · ".join(w for w in who if w), title):
            if text:
                blocks.append(_indented(text, 7, width))
    return Group(*blocks)


def _links(
    source: ReviewSource, links: pd.DataFrame, show_phones: bool, width: int, persons: bool = False
) -> list[RenderableType]:
    shown: list[RenderableType] = []
    person = source.ads[col.PERSON_ID]
    for row in links.itertuples(index=False):
        a, b = str(row.ad_a), str(row.ad_b)
        line = Text(printable(f"  {a} – {b}"), style="bold")
        if persons:
            line.append(printable(f"  ({person.get(a, '?')} / {person.get(b, '?')})"))
        line.append(printable(f"  score {float(row.score):.3f}  {row.decision}"))
        evidence = str(row.evidence) if show_phones else mask_phones_in(str(row.evidence))
        shown += [line, _indented(evidence, 6, width)]
    return shown
