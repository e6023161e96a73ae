"""Privacy and safe exports: masked phones, formula-safe cells, keyed pseudonyms.

Phones shown on a terminal are masked (`mask_phone`); spreadsheet cells that would run
as formulas are neutralised (`safe_cell`); with a secret key, `Tokens`
turn phones, urls and pseudonyms into keyed tokens (HMAC-SHA256) that still link
from month to month but cannot be reversed by trying every phone number.

The package, by concern:

- `cells`: formula-safe spreadsheet cells, phones masked in evidence and texts;
- `keys`: the secret key (a key file, $ADCENSUS_KEY), made by `adcensus keygen`;
- `tokens`: keyed pseudonyms for values and whole columns (a whole dedupe output is
  pseudonymised by adcensus.outputs.pseudonymize_result).
"""

from __future__ import annotations

# The `X as X` imports are public names the single-file module had outside `__all__`,
# re-exported so that `adcensus.privacy.X` still works.
from adcensus.phones import mask_phone
from adcensus.privacy.cells import (
    mask_phones_in,
    mask_phones_in_text,
    neutralize_formulas,
    safe_cell,
)
from adcensus.privacy.keys import DEFAULT_KEY_FILE as DEFAULT_KEY_FILE
from adcensus.privacy.keys import KEY_BYTES as KEY_BYTES
from adcensus.privacy.keys import (
    KEY_ENV,
    WHY_A_KEY,
    default_key_file,
    generate_key,
    key_id,
    load_key,
    parse_key,
)
from adcensus.privacy.keys import MIN_KEY_BYTES as MIN_KEY_BYTES
from adcensus.privacy.tokens import KINDS as KINDS
from adcensus.privacy.tokens import (
    Tokens,
    pseudonym,
    pseudonymize_persons,
)

__all__ = [
    "KEY_ENV",
    "WHY_A_KEY",
    "Tokens",
    "default_key_file",
    "generate_key",
    "key_id",
    "load_key",
    "mask_phone",
    "mask_phones_in",
    "mask_phones_in_text",
    "neutralize_formulas",
    "parse_key",
    "pseudonym",
    "pseudonymize_persons",
    "safe_cell",
]
