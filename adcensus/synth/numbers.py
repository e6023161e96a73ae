"""The synthetic census' phone numbers, all fictional.

They come from the blocks France's numbering plan (ARCEP) reserves for fiction
(`adcensus.phones.FICTIONAL_BLOCKS`), 06 39 98 first. Only a spec that needs more distinct
numbers than those blocks hold (the 1M-ad benchmark) spills into mobile blocks that are
possible but unallocated (07 01 … 07 29: `phonenumbers` says possible, not valid); such
files are for benchmarks only and are never committed.
"""

from __future__ import annotations

import numpy as np

from adcensus.errors import UsageError
from adcensus.phones import FICTIONAL_BLOCKS

MOBILE_FICTIONAL_BLOCK = "063998"  # the one mobile block of fiction: small censuses use it alone
# Possible but unallocated French mobile prefixes (10**6 numbers each): benchmark overflow.
UNALLOCATED_MOBILE_BLOCKS: tuple[str, ...] = tuple(f"07{k:02d}" for k in range(1, 30))


def fictional_blocks() -> tuple[str, ...]:
    """`adcensus.phones.FICTIONAL_BLOCKS` as national prefixes ("063998"), the mobile first."""
    prefixes = [block.replace(" ", "") for block in FICTIONAL_BLOCKS]
    return tuple(sorted(prefixes, key=lambda prefix: prefix != MOBILE_FICTIONAL_BLOCK))


def draw_phone_numbers(rng: np.random.Generator, count: int) -> list[str]:
    """Draw `count` distinct 10-digit national numbers, in random order.

    Every number of the fictional blocks is used before any unallocated one: the overflow
    into unallocated mobile blocks holds only what the fictional blocks cannot.
    """
    prefixes = (*fictional_blocks(), *UNALLOCATED_MOBILE_BLOCKS)
    capacity = np.array([10 ** (10 - len(p)) for p in prefixes], dtype=np.int64)
    cumulative = np.cumsum(capacity)
    if count > cumulative[-1]:
        raise UsageError(f"cannot draw {count} distinct fictional numbers; use fewer persons.")
    # Whole blocks first, in order; only the last block needed is sampled.
    last = int(np.searchsorted(cumulative, count))
    first_of = cumulative - capacity
    sampled = rng.choice(int(capacity[last]), size=count - int(first_of[last]), replace=False)
    picks = np.concatenate([np.arange(first_of[last]), first_of[last] + sampled])
    if last:
        picks = rng.permutation(picks)
    block = np.searchsorted(cumulative, picks, side="right")
    offset = picks - first_of[block]
    return [
        prefixes[b] + str(o).zfill(10 - len(prefixes[b]))
        for b, o in zip(block.tolist(), offset.tolist(), strict=True)
    ]
