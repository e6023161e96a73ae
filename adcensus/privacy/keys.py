"""The secret key behind the pseudonyms: read from a key file or $ADCENSUS_KEY as hex or
base64 (`load_key`, `parse_key`), written by `adcensus keygen` in a file only its owner can
read (`generate_key`), and named in public by a short id (`key_id`)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

from adcensus.errors import InputError, OutputError, UsageError

KEY_ENV = "ADCENSUS_KEY"
KEY_BYTES = 32
MIN_KEY_BYTES = 16
DEFAULT_KEY_FILE = "~/.config/adcensus/key"
WHY_A_KEY = (
    "a bare hash of a 10-digit phone is reversed in seconds by trying all numbers; "
    "a secret key is needed: run `adcensus keygen`, then pass --key-file FILE "
    f"or set {KEY_ENV}"
)
_HEX = re.compile(r"[0-9a-fA-F]+")


def default_key_file() -> Path:
    """Where `adcensus keygen` writes and `load_key` looks last: ~/.config/adcensus/key."""
    return Path(DEFAULT_KEY_FILE).expanduser()


def parse_key(text: str, source: str) -> bytes:
    """The key bytes written in `text` as hex or base64; InputError when unreadable or short."""
    text = text.strip()
    try:
        if _HEX.fullmatch(text) and len(text) % 2 == 0:
            key = bytes.fromhex(text)
        else:
            key = base64.b64decode(text, validate=True)
    except (ValueError, binascii.Error):
        raise InputError(f"{source} is neither hex nor base64; {WHY_A_KEY}") from None
    if len(key) < MIN_KEY_BYTES:
        raise InputError(
            f"{source} holds {len(key)} bytes, fewer than {MIN_KEY_BYTES}; {WHY_A_KEY}"
        )
    if is_weak_key(key):
        raise InputError(
            f"{source} is a weak key (all zeros, or a few bytes repeated): anyone could guess "
            "it; make a random one with `adcensus keygen`"
        )
    return key


def is_weak_key(key: bytes) -> bool:
    """True for a key with fewer distinct bytes than half its length: all zeros, a short
    pattern repeated. Random keys of 16 bytes or more never are (32 random bytes hold about
    30 distinct values)."""
    return len(set(key)) < len(key) / 2


def load_key(key_file: Path | None) -> bytes:
    """The secret key for pseudonyms: `key_file`, else $ADCENSUS_KEY, else the default file.

    A key is hex or base64 text of at least 16 bytes (`adcensus keygen` writes 32).
    Raises InputError, saying why a key is needed, when there is none or it is too short.
    """
    if key_file is not None:
        try:
            text = Path(key_file).read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(f"cannot read key file {key_file}: {error}; {WHY_A_KEY}") from None
        return parse_key(text, f"key file {key_file}")
    if os.environ.get(KEY_ENV, "").strip():
        return parse_key(os.environ[KEY_ENV], KEY_ENV)
    default = default_key_file()
    if default.is_file():
        return load_key(default)
    raise InputError(f"--pseudonymize needs a key: {WHY_A_KEY}")


def generate_key(path: Path, force: bool = False) -> Path:
    """Write a new random key (32 bytes, hex) to `path`, readable by its owner only (0600).

    The folder is created (0700) when missing. Refuses to replace an existing file
    unless `force`: tokens made with the old key would no longer link with new ones.
    """
    path = Path(path).expanduser()
    if path.exists() and not force:
        raise UsageError(
            f"{path} exists; a new key would make tokens that no longer link with the old "
            "ones. Use --force to replace it anyway"
        )
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags, 0o600)
    except OSError as error:
        raise OutputError(f"cannot write key file {path}: {error}") from None
    with os.fdopen(fd, "w", encoding="ascii") as file:
        os.fchmod(file.fileno(), 0o600)  # an existing file keeps its mode without this
        file.write(secrets.token_hex(KEY_BYTES) + "\n")
    return path


def key_id(key: bytes) -> str:
    """A short public name for `key` (8 hex), so that partners can tell which tokens link."""
    return hmac.new(key, b"adcensus key id", hashlib.sha256).hexdigest()[:8]
