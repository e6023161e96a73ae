"""Synthetic census of ads with a known truth: the sample data, quality tests and benchmarks.

`generate_census(spec)` draws persons, then their ads, with the cases a linker must cope
with: phones written many ways or hidden in the text, phones that change, agencies that
share one booking phone and one template text, strangers with the same common pseudonym,
reposts with edits, touring between cities, pseudonym spellings and ages that drift.
Every draw comes from one generator seeded by `spec.seed`: the same spec gives the same
frames and byte-identical files. All phone numbers are fictional.

The package, by concept (each module imports only those listed before it):

- `text`: words and spellings (names, cities, sentences, ways to write a phone);
- `spec`: what to generate (`CensusSpec`, `EVERY_HARD_CASE`);
- `numbers`: the phone numbers, from the blocks kept for fiction (`draw_phone_numbers`);
- `people`: who the persons are (ad counts, agencies, names, ages, texts);
- `ads`: each person's ads and their text cells;
- `census`: all of it sorted, numbered and written with its truth (`generate_census`,
  `write_census`).
"""

from __future__ import annotations

from adcensus.synth.census import (
    ADS_COLUMNS,
    generate_census,
    write_census,
)
from adcensus.synth.numbers import (
    UNALLOCATED_MOBILE_BLOCKS,
    draw_phone_numbers,
    fictional_blocks,
)
from adcensus.synth.spec import EVERY_HARD_CASE, CensusSpec

__all__ = [
    "ADS_COLUMNS",
    "EVERY_HARD_CASE",
    "UNALLOCATED_MOBILE_BLOCKS",
    "CensusSpec",
    "draw_phone_numbers",
    "fictional_blocks",
    "generate_census",
    "write_census",
]
