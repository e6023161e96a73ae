"""Linking settings: every threshold and weight in one frozen, documented place.

Defaults work without tuning. They can be changed in an `adcensus.toml` file
(table `[link]`, same names) or by command-line option. The weights of evidence are
not settings: they are learned from each census (see adcensus.link.model and
adcensus.link.comparisons, where their priors are declared).
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from adcensus.errors import InputError


@dataclass(frozen=True)
class Settings:
    """How ads are read, compared and linked. See the README for each field."""

    region: str = "FR"
    # A pair is linked when its match probability reaches link_threshold: more likely one
    # person than two, as a reader would decide. Pairs within doubtful_margin of it
    # (either side: between 1 in 5 and 4 in 5 by default) are written as "doubtful".
    link_threshold: float = 0.5
    doubtful_margin: float = 0.3
    # Weights are learned from each census by EM (adcensus.link.model); off, or with
    # fewer candidate pairs than em_min_pairs, the declared priors are used instead.
    learn_weights: bool = True
    # A few hundred pairs of each kind: below that a level's weight rests on a handful.
    em_min_pairs: int = 1000
    # A person uses at most this many phone numbers in one census; a link that would give
    # her more is refused (it would chain strangers through a shared pseudonym).
    max_phones: int = 5
    # Blocking: groups larger than this are compared within a sliding window only.
    block_window: int = 40
    # Ads sharing a pseudonym are compared with this many neighbours (sorted by style).
    name_window: int = 5
    # A text shingle found in more ads than this is a stock phrase, not a blocking key.
    text_key_max_ads: int = 20
    # A sentence in at least this many ads with distinct phones is boilerplate.
    boilerplate_min_ads: int = 5
    # More columns to compare (`--compare COL`), each with weights learned like the others.
    compare: tuple[str, ...] = ()
    # A TOML file of origin words added to adcensus/profiles/origins.toml (`--origins`).
    origins: str = ""

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            check_range(name, value, "settings")

    def to_dict(self) -> dict[str, Any]:
        """The settings as plain JSON-ready values (written into summary.json): lists, not
        tuples, so that a dict read back from JSON compares equal."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    def with_overrides(self, **changes: Any) -> Settings:
        """A copy with the given fields changed; None values are ignored."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise InputError(
                f"unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
            )
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


# The values each numeric setting may take (both ends included). Out of them a setting
# means nothing (a probability above 1, a negative window) or makes linking quadratic.
RANGES: dict[str, tuple[float, float]] = {
    "link_threshold": (0.0, 1.0),
    "doubtful_margin": (0.0, 1.0),
    "em_min_pairs": (0, 1_000_000_000),
    "max_phones": (1, 100),
    "block_window": (2, 10_000),
    "name_window": (1, 10_000),
    "text_key_max_ads": (2, 1_000_000),
    "boilerplate_min_ads": (2, 1_000_000),
}


def check_range(key: str, value: Any, where: str) -> None:
    """Raise InputError naming `where` when setting `key` is outside its range (RANGES)."""
    if key not in RANGES or isinstance(value, bool) or not isinstance(value, int | float):
        return
    low, high = RANGES[key]
    if not low <= value <= high:
        raise InputError(
            f"{where}: setting {key!r} must be between {low:,} and {high:,}, got {value!r}"
        )


# Hand-set weights and cut-offs of earlier versions, now learned or declared as priors.
RETIRED = frozenset(
    {
        "w_phone_shared", "w_phone_shared_agency", "w_phone_disjoint", "w_name_exact",
        "w_name_exact_common", "w_name_similar", "w_name_different", "w_age_close",
        "w_age_near", "w_age_far", "w_text_same", "w_text_close", "w_text_different",
        "w_photo_same", "name_similar", "name_different", "text_same", "text_close",
        "text_different", "style_same", "style_close", "style_different",
        "common_name_phones", "max_age_span", "agency_min_names",
    }
)  # fmt: skip


def coerce_setting(key: str, value: Any, where: str) -> Any:
    """`value` as the type of setting `key`; InputError naming `where` when it cannot be."""
    defaults = Settings()
    if key in RETIRED:
        raise InputError(
            f"{where}: setting {key!r} is gone: weights are now learned from each census "
            "(see `adcensus dedupe --show-weights`); remove it"
        )
    if not hasattr(defaults, key):
        known = ", ".join(f.name for f in fields(defaults))
        raise InputError(f"{where}: unknown setting {key!r}; known settings: {known}")
    expected = type(getattr(defaults, key))
    if expected is tuple:
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, list | tuple) or not all(isinstance(x, str) for x in items):
            raise InputError(f"{where}: setting {key!r} must be a list of column names")
        return tuple(x.strip() for x in items if x.strip())
    if isinstance(value, str) and expected is bool:
        words = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
        if value.strip().lower() not in words:
            raise InputError(f"{where}: setting {key!r} must be true or false, got {value!r}")
        return words[value.strip().lower()]
    if isinstance(value, str) and expected is not str:
        try:
            value = expected(value.replace(",", ".") if expected is float else value)
        except ValueError:
            raise InputError(
                f"{where}: setting {key!r} must be a {expected.__name__}, got {value!r}"
            ) from None
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, expected) or isinstance(value, bool) != (expected is bool):
        raise InputError(f"{where}: setting {key!r} must be a {expected.__name__}, got {value!r}")
    check_range(key, value, where)
    return value


def parse_setting(spec: str) -> tuple[str, Any]:
    """`"name=value"` (the `--set` option) → (name, typed value)."""
    name, sep, value = spec.partition("=")
    if not sep or not name.strip():
        raise InputError(f"--set {spec!r}: expected NAME=VALUE, e.g. --set link_threshold=0.85")
    return name.strip(), coerce_setting(name.strip(), value.strip(), "--set")


def load_settings(path: Path | None = None) -> Settings:
    """Settings from `path` (or ./adcensus.toml when present), else the defaults."""
    if path is None:
        default = Path("adcensus.toml")
        if not default.is_file():
            return Settings()
        path = default
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(
            f"{path}: settings file not found; check the path given to --config"
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a valid TOML file ({exc}); fix it or remove it") from None
    table = data.get("link", data)
    if not isinstance(table, dict):
        raise InputError(f"{path}: [link] must be a table of settings")
    typed = {key: coerce_setting(key, value, str(path)) for key, value in table.items()}
    return replace(Settings(), **typed)
