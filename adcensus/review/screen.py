"""The review screen: two ads side by side, their texts' differences, the evidence and score.

Everything shown is built as rich `Text` (never parsed as markup), because ads are
scraped from the web and may contain anything, `[bold]` included. Phone numbers are
masked (`+33 6 •• •• •• 34`) in every field, texts included, unless asked otherwise.
"""

from __future__ import annotations

import difflib
import re

import pandas as pd
from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from adcensus import columns as col
from adcensus.phones import mask_phone
from adcensus.privacy import mask_phones_in, mask_phones_in_text
from adcensus.review.queue import DOUBTFUL, WHY, ReviewPair
from adcensus.review.source import SHOWN_ROLES, ReviewSource
from adcensus.text import fold

DELETED = "bold red"
INSERTED = "bold green"
DIFFERENT = "yellow"
ANSWERS = {"y": "same person", "n": "different persons", "s": "skipped"}
MODE_TITLES = {
    DOUBTFUL: "mode: doubtful links, the hard cases first",
    "sample": "mode: random sample of links, to measure their precision",
}
KEY_HELP = (
    ("y", "same person"),
    ("n", "different"),
    ("s", "skip"),
    ("u", "undo"),
    ("q", "quit"),
)
_WORDS = re.compile(r"\S+\s*")
_TOKEN = re.compile(r"tel_[0-9a-f]{16}")
# Control characters (ESC would let a scraped text drive the terminal) and the
# bidirectional overrides that reorder what is shown; tabs and newlines stay.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """`text` safe to show on a terminal: control characters become "�"."""
    return _UNPRINTABLE.sub("\ufffd", text)


def mask_text(text: str, region: str) -> str:
    """`text` with every phone number found in it masked, disguised ones included."""
    return mask_phones_in_text(text, region)


def shown_phones(phones: str, show: bool) -> str:
    """The `;`-joined E.164 numbers of an ad, one per line, masked unless `show`.

    Keyed tokens (`tel_…`, from a pseudonymized folder) are shown whole: they hide no number.
    """
    numbers = [p for p in str(phones).split(";") if p.strip()]
    if show:
        return "\n".join(numbers)
    masked = []
    for number in numbers:
        if _TOKEN.fullmatch(number.strip()):
            masked.append(number.strip())
            continue
        try:
            masked.append(mask_phone(number.strip()))
        except Exception:
            masked.append("••")
    return "\n".join(masked)


def _word_keys(words: list[str]) -> list[str]:
    """What a word is compared by: folded as linking folds text (case, accents and
    punctuation ignored); a word of symbols only (an emoji) by itself, case folded."""
    stripped = [w.strip() for w in words]
    folded = fold(pd.Series(stripped, dtype=object)) if stripped else []
    return [str(f) or w.casefold() for f, w in zip(folded, stripped, strict=True)]


def diff_words(a: str, b: str) -> tuple[Text, Text]:
    """Both texts with their word-level differences highlighted: deleted red, inserted green.

    "LENS", "Lens" and "lens," are one word, as "Hénin" and "Henin" are: the highlight
    shows what linking sees as different, not a change of case, accent or comma.
    """
    words_a, words_b = _WORDS.findall(a), _WORDS.findall(b)
    lead_a, lead_b = a[: len(a) - len(a.lstrip())], b[: len(b) - len(b.lstrip())]
    matcher = difflib.SequenceMatcher(
        None, _word_keys(words_a), _word_keys(words_b), autojunk=False
    )
    left, right = Text(lead_a), Text(lead_b)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            left.append("".join(words_a[i1:i2]))
            right.append("".join(words_b[j1:j2]))
            continue
        if i2 > i1:
            left.append("".join(words_a[i1:i2]), style=DELETED)
        if j2 > j1:
            right.append("".join(words_b[j1:j2]), style=INSERTED)
    return left, right


def _fold(value: str) -> str:
    """A short field as compared for the yellow mark: case, accents and punctuation ignored."""
    return _word_keys([value])[0]


def ad_fields(source: ReviewSource, key: str, show_phones: bool) -> dict[str, str]:
    """What the screen shows of one ad, by field name ("" when unknown)."""
    if key not in source.ads.index:
        return {"person": "(not in ads.csv)"}
    row = source.ads.loc[key]
    sizes = source.person_sizes
    person = str(row[col.PERSON_ID])
    count = int(sizes.get(person, 1))
    fields = {"person": f"{person} ({count} ad{'' if count == 1 else 's'})"}
    for role in SHOWN_ROLES:
        value = "" if pd.isna(row[role]) else printable(str(row[role]))
        fields[role] = value if show_phones else mask_text(value, source.region)
    fields["phones"] = printable(shown_phones(row["phones"], show_phones))
    return fields


FIELD_ORDER = ("person", "site", "date", "city", "name", "age", "phones", "title", "text")


def pair_table(source: ReviewSource, pair: ReviewPair, show_phones: bool) -> Table:
    """The two ads side by side; differing short fields in yellow, texts diffed word by word."""
    left, right = (ad_fields(source, k, show_phones) for k in (pair.ad_a, pair.ad_b))
    table = Table(box=box.SIMPLE_HEAD, expand=True, show_edge=False, pad_edge=False)
    table.add_column("", style="bold", no_wrap=True, width=7)
    table.add_column(Text(printable(f"ad A  {pair.ad_a}")), ratio=1)
    table.add_column(Text(printable(f"ad B  {pair.ad_b}")), ratio=1)
    for name in FIELD_ORDER:
        a, b = left.get(name, ""), right.get(name, "")
        if not a and not b:
            continue
        if name in ("title", "text"):
            cell_a, cell_b = diff_words(a, b)
        else:
            style = DIFFERENT if _fold(a) != _fold(b) and name != "person" else ""
            cell_a, cell_b = Text(a, style=style), Text(b, style=style)
        table.add_row(Text(name), cell_a, cell_b)
    return table


def pair_view(
    source: ReviewSource,
    pair: ReviewPair,
    mode: str,
    position: int,
    total: int,
    show_phones: bool,
    note: str = "",
    left: int | None = None,
) -> RenderableType:
    """The whole screen for one pair: where we are, the ads, why the pair is shown, the keys.

    `left` is the pairs not answered yet, this one included (default: from `position`;
    a session passes it, as pairs skipped in it are still left).
    """
    head = Text()
    head.append("adcensus review ", style="bold")
    head.append(printable(str(source.location)))
    head.append(f" · {MODE_TITLES.get(mode, mode)}", style="bold cyan")
    left = total - position + 1 if left is None else left
    counter = Text(f"pair {position} of {total} · {left} left", style="bold")
    linked = "linked now: same person" if pair.same_person else "not linked now"
    score = Text()
    score.append(f"score {pair.score:.3f}", style="bold")
    score.append(f" (threshold {source.threshold:.2f}) · {pair.decision or 'pair'} · {linked}")
    score.append(f" · shown because: {WHY.get(pair.why, pair.why)}")
    evidence = printable(pair.evidence if show_phones else mask_phones_in(pair.evidence))
    parts: list[RenderableType] = [head, counter]
    if note:
        parts.append(Text(note, style="italic"))
    parts += [pair_table(source, pair, show_phones), score, Text(f"evidence: {evidence}")]
    if pair.earlier in ANSWERS:
        parts.append(Text(f"earlier answer: {ANSWERS[pair.earlier]}", style="italic"))
    keys = Text()
    for key, meaning in KEY_HELP:
        keys.append(f"[{key}]", style="bold reverse")
        keys.append(f" {meaning}   ")
    parts.append(keys)
    return Group(*parts)
