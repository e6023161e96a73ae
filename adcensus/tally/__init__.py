"""Group counts for scripts: ads, persons, doublon rate, new, returning and touring persons.

`run_tally` does what `adcensus tally` does: `read_source` reads a census store, a
dedupe output folder or an ad file (deduped in memory) into a `TallyInput`; `tally`
counts per group; `render` writes the counts as CSV, JSON, Markdown or XLSX. Definitions (the README repeats them):

- groups: the distinct values of the `--by` keys: `month` (YYYY-MM of the ad's date),
  `week` (ISO week, YYYY-Www), `site`, `city` (spellings that fold alike are one group,
  `adcensus.text.fold_place`: "CALAIS", "St Omer" and "Saint-Omer" fold together;
  shown by their most common spelling, ties: not in capitals, then alphabetical),
  `network`, the person's profile (adcensus.profiles: `age_group`, `origin`, `kind`,
  `presentation`; a person with several values counts under their ";"-joined value,
  e.g. "Brazil;Colombia"), or any original column. On a dedupe folder the profiles are
  those of its persons.csv; on a store or an ad file they are read from the ads.
- period of a group: its week when `week` is a key, else its month when `month` is,
  else the whole `--since`..`--until` window (unbounded where not given).
- new persons: persons of the group whose first ad in the whole source (not only the
  window) is dated within the group's period.
- returning persons: persons of the group with an ad dated before the period starts.
- touring persons: persons with ads in two or more cities within the group.
- networks: distinct network ids among the group's ads (a person alone is a network of
  one); persons_in_networks: persons of the group whose network has two or more persons.

Follow-up funnel (`--funnel`, a census store only): of the persons of a group, those
whose contact log (adcensus.store.contacts) holds, dated before the group's period ends,
any entry (`contacted`), an answer: replied, declined or support (`replied`), and the
start of support (`began_support`). Each count is part of the one before it. Without a
month or week key the period ends with `--until`, or never.

Ads without a readable date belong to no month or week (an empty group key), are
neither new nor returning there, and are left out when `--since` or `--until` is given.

A `--by` key that names a phone, url, pseudonym or photo-hash column (or a title or
text) groups by those values, so they are written in the output; `pseudonymize_keys`
turns them into the keyed tokens `adcensus dedupe --pseudonymize` writes.
"""

from adcensus.tally.counts import (
    FORMATS,
    FUNNEL_COLUMNS,
    TALLY_COLUMNS,
    mask_keys,
    render,
    tally,
)
from adcensus.tally.run import TallyOptions, TallyRun, run_tally
from adcensus.tally.sources import (
    BUILTIN_KEYS,
    PROFILE_KEYS,
    TallyInput,
    parse_day,
    pseudonymize_keys,
    read_source,
    resolve_keys,
)

__all__ = [
    "BUILTIN_KEYS",
    "FORMATS",
    "FUNNEL_COLUMNS",
    "PROFILE_KEYS",
    "TALLY_COLUMNS",
    "TallyInput",
    "TallyOptions",
    "TallyRun",
    "mask_keys",
    "parse_day",
    "pseudonymize_keys",
    "read_source",
    "render",
    "resolve_keys",
    "run_tally",
    "tally",
]
