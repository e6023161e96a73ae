"""Linking settings: every threshold and weight in one frozen, documented place.

Defaults work without tuning. They can be changed in an `adcensus.toml` file
(table `[link]`, same names) or by command-line option. Weights are in bits
(log2 of a likelihood ratio, as in Fellegi–Sunter): a pair's weights are added
and turned into a match probability `score = 1 / (1 + 2**-total)`.
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
    # A pair is linked when its score reaches link_threshold; pairs within
    # doubtful_margin of it (either side) are written as "doubtful" for review.
    link_threshold: float = 0.8
    doubtful_margin: float = 0.1
    # Evidence weights, in bits.
    w_phone_shared: float = 6.0
    w_phone_shared_agency: float = 1.0
    w_phone_disjoint: float = -3.0
    w_name_exact: float = 4.0
    w_name_exact_common: float = 2.0
    w_name_similar: float = 2.0
    w_name_different: float = -8.0
    w_age_close: float = 1.0
    w_age_near: float = -1.0
    w_age_far: float = -5.0
    w_text_same: float = 4.0
    w_text_close: float = 2.0
    w_text_different: float = -3.0
    w_photo_same: float = 6.0
    # Similarity cut-offs (0..1) that decide which weight applies.
    name_similar: float = 0.85
    name_different: float = 0.8
    text_same: float = 0.9
    text_close: float = 0.8
    text_different: float = 0.65
    # Style: cosine of sentence TF-IDF vectors (stock phrases weighted down, not dropped).
    style_same: float = 0.8
    style_close: float = 0.6
    style_different: float = 0.3
    # A pseudonym seen with this many different phones is "common": weaker evidence.
    common_name_phones: int = 3
    # Ages more than this apart cannot be one person (ads drift by a year or so).
    max_age_span: int = 3
    # A person uses at most this many phone numbers in one census; a link that would give
    # her more is refused (it would chain strangers through a shared pseudonym).
    max_phones: int = 5
    # A phone is an agency phone when its ads carry this many dissimilar names.
    agency_min_names: int = 2
    # Blocking: groups larger than this are compared within a sliding window only.
    block_window: int = 40
    # Ads sharing a pseudonym are compared with this many neighbours (sorted by style).
    name_window: int = 5
    # A text shingle found in more ads than this is a stock phrase, not a blocking key.
    text_key_max_ads: int = 20
    # A sentence in at least this many ads with distinct phones is boilerplate.
    boilerplate_min_ads: int = 5

    def to_dict(self) -> dict[str, Any]:
        """The settings as plain JSON-ready values (written into summary.json)."""
        return asdict(self)

    def with_overrides(self, **changes: Any) -> Settings:
        """A copy with the given fields changed; None values are ignored."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise InputError(
                f"unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
            )
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def coerce_setting(key: str, value: Any, where: str) -> Any:
    """`value` as the type of setting `key`; InputError naming `where` when it cannot be."""
    defaults = Settings()
    if not hasattr(defaults, key):
        known = ", ".join(f.name for f in fields(defaults))
        raise InputError(f"{where}: unknown setting {key!r}; known settings: {known}")
    expected = type(getattr(defaults, key))
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
