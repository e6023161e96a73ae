"""What a synthetic census holds: `CensusSpec`, its defaults (the 2018 diagnostic) and
`EVERY_HARD_CASE`, the spec with every hard case turned up at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from adcensus.errors import UsageError
from adcensus.synth.text import REGIONS


@dataclass(frozen=True)
class CensusSpec:
    """What to generate. The defaults mirror the 2018 Pas-de-Calais diagnostic.

    699 ads on 39 sites, September–December 2018, 273 persons (a 61 % doublon rate).
    Rates are shares in [0, 1]; see `adcensus.synth` for what each case looks like.
    """

    ads: int = 699
    persons: int = 273
    sites: int = 39
    start: date = date(2018, 9, 1)
    end: date = date(2018, 12, 31)
    region: str = "Pas-de-Calais"
    agency_share: float = 0.15
    phone_change_rate: float = 0.10
    touring_rate: float = 0.25
    common_name_share: float = 0.30
    obfuscation_rate: float = 0.10
    missing_rate: float = 0.08
    edit_rate: float = 0.50
    seed: int = 2018
    # Persons presented as trans, as a man, as a couple (the others as women); drawn from
    # a stream of their own, so that these shares change no other draw.
    trans_share: float = 0.0
    man_share: float = 0.0
    couple_share: float = 0.0

    def __post_init__(self) -> None:
        if self.persons < 1:
            raise UsageError(f"persons must be at least 1, got {self.persons}.")
        if self.ads < self.persons:
            raise UsageError(
                f"ads ({self.ads}) must be at least persons ({self.persons}): "
                "every person posts at least one ad."
            )
        if not 1 <= self.sites <= self.ads:
            raise UsageError(
                f"sites must be between 1 and ads ({self.ads}) so that every site is used, "
                f"got {self.sites}."
            )
        if self.end < self.start:
            raise UsageError(f"end ({self.end}) is before start ({self.start}).")
        if self.region not in REGIONS:
            raise UsageError(
                f"unknown region {self.region!r}; choose one of: {', '.join(REGIONS)}."
            )
        for name in (
            "agency_share", "phone_change_rate", "touring_rate", "common_name_share",
            "obfuscation_rate", "missing_rate", "edit_rate", "trans_share", "man_share",
            "couple_share",
        ):  # fmt: skip
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise UsageError(f"{name} must be a share between 0 and 1, got {value}.")
        if self.trans_share + self.man_share + self.couple_share > 1.0:
            raise UsageError("trans_share, man_share and couple_share add up to more than 1.")
        if self.seed < 0:
            raise UsageError(f"seed must be zero or positive, got {self.seed}.")


# A census with every hard case turned up at once: the hardest the quality benchmark
# (benchmarks/quality.py) reports, and one the tests hold to the quality bar.
EVERY_HARD_CASE = CensusSpec(
    seed=26,
    ads=3000,
    persons=900,
    agency_share=0.4,
    phone_change_rate=0.4,
    touring_rate=0.6,
    common_name_share=0.8,
    obfuscation_rate=0.4,
    missing_rate=0.3,
    edit_rate=0.9,
)
