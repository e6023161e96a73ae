"""Encodings: any text file's bytes as UTF-8 without BOM, and the encoding they were read as.

The encoding given wins; then a BOM, strict UTF-8, UTF-16 without BOM, UTF-8 whose few
bad bytes are cp1252 (a file appended to by two programs) or whose last character is cut
(a truncated file), cp1252 unless its letters look wrong (charset-normalizer's guess then),
cp1252 as the last resort. Binary files (NUL bytes, many control characters) are refused.
"""

from __future__ import annotations

import codecs
import re

import pyarrow as pa

from adcensus.errors import InputError
from adcensus.read.table import input_error

SNIFF_CHARS = 65536  # characters read to sniff what a text file holds (its delimiter, its encoding)
# cp1252 bytes that French or English text almost never holds (undefined, Ž, ˆ, ‰, ...).
_ODD_CP1252 = bytes([0x81, 0x83, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8B, 0x8D, 0x8E, 0x8F, 0x90])
_ODD_CP1252 += bytes([0x98, 0x9A, 0x9B, 0x9D, 0x9E, 0x9F])
_NOT_ODD = bytes(b for b in range(256) if b not in _ODD_CP1252)
_HIGH_BYTES = bytes(range(128, 256))
# Windows-1252 as browsers decode it: the five undefined bytes map to the same code points.
_CP1252_TABLE = "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(256))
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Bytes that may start a UTF-8 character of two to four bytes → L, that may continue one → C.
_LEAD_CONTINUATION = bytes(
    ord("L") if 0xC2 <= b <= 0xF4 else ord("C") if 0x80 <= b <= 0xBF else ord(".")
    for b in range(256)
)
_ESCAPED = re.compile("[\udc80-\udcff]")  # bytes that surrogateescape could not decode
_DROP_ESCAPED = dict.fromkeys(range(0xDC80, 0xDD00))
_FROM_ESCAPED = {0xDC00 + b: _CP1252_TABLE[b] for b in range(0x80, 0x100)}
# Characters beyond ASCII that Western text holds: Latin-1 and Latin Extended-A letters,
# punctuation, symbols, emoji. Others (ɻ, Ι, ...) are what cp1252 bytes spell by chance.
_NOT_WESTERN = re.compile("[^\x00-\x7f\u00a0-\u017f\u2000-\u2bff\ufe0f\U0001f000-\U0001faff]")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x19\x1b-\x1f\x7f]")


def decode_to_utf8(name: str, data: bytes, encoding: str | None) -> tuple[bytes, str, list[str]]:
    """UTF-8 bytes without BOM, the encoding they were read as, and notes for the user.

    Order: the encoding given, a BOM, strict UTF-8, UTF-16 without BOM, UTF-8 with a cut
    last character or a few cp1252 bytes, cp1252 unless its letters look wrong (then
    charset-normalizer's guess), and cp1252 as the last resort.
    """
    if encoding is not None:
        try:
            return _utf8(name, data.decode(encoding)), encoding, []
        except LookupError:
            raise input_error(
                name, f"unknown encoding {encoding!r}; try utf-8 or cp1252."
            ) from None
        except UnicodeDecodeError as exc:
            raise input_error(name, f"byte {exc.start} is not {encoding}; try another.") from None
    for bom, candidate in _BOMS:
        if data.startswith(bom):
            try:
                return _utf8(name, data.decode(candidate)), candidate, []
            except UnicodeDecodeError:
                message = f"starts as {candidate} but is not; save it as CSV UTF-8."
                raise input_error(name, message) from None
    if _is_utf8(data):
        return _checked(name, data), "utf-8", []
    head = data[:4096]
    half = len(head) // 2
    even, odd = head[0::2].count(0), head[1::2].count(0)
    for candidate, zeros, others in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if half >= 2 and zeros > 0.3 * half and others < 0.05 * half:
            try:
                return _utf8(name, data.decode(candidate)), candidate, []
            except UnicodeDecodeError:
                break
    if b"\x00" in data:
        raise _binary(name)
    mostly_utf8 = _mostly_utf8(name, data)
    if mostly_utf8 is not None:
        return mostly_utf8
    high = len(data) - len(data.translate(None, _HIGH_BYTES))
    # charset-normalizer takes short French cp1252 for big5 or cp1006, so cp1252 goes first
    # unless its decoding shows letters French or English text would not hold.
    if len(data.translate(None, _NOT_ODD)) * 20 > high:
        from charset_normalizer import from_bytes

        guess = from_bytes(data[:1_000_000]).best()
        if guess is not None:
            try:
                return _utf8(name, data.decode(guess.encoding)), guess.encoding, []
            except (UnicodeDecodeError, LookupError):
                pass
    return _utf8(name, codecs.charmap_decode(data, "strict", _CP1252_TABLE)[0]), "cp1252", []


def _mostly_utf8(name: str, data: bytes) -> tuple[bytes, str, list[str]] | None:
    """UTF-8 read despite a cut last character or a few bytes in cp1252, or None.

    Mixed files are common (a UTF-8 export appended to by a cp1252 program); reading them
    all as cp1252 would garble every UTF-8 accent ("Léa" → "LÃ©a"). The file counts as
    UTF-8 when its valid multi-byte characters are letters or punctuation of Western text,
    which cp1252 bytes almost never spell by chance, or outnumber its bad bytes twice.
    """
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data":  # only the last character is cut
            note = (
                f"{name}: ends in the middle of a character (a truncated file?); its last "
                f"{exc.end - exc.start} byte(s) are left out: check the last row."
            )
            return _utf8(name, data[: exc.start].decode("utf-8")), "utf-8", [note]
    if b"LC" not in data.translate(_LEAD_CONTINUATION):  # no UTF-8 character at all
        return None
    text = data.decode("utf-8", errors="surrogateescape")
    clean = text.translate(_DROP_ESCAPED)
    bad = len(text) - len(clean)
    multibyte = len(clean) - len(clean.encode("ascii", errors="ignore"))
    odd = len(_NOT_WESTERN.findall(clean))
    if not multibyte or (odd and multibyte <= 2 * bad):
        return None
    first = _ESCAPED.search(text)
    line = text.count("\n", 0, first.start() if first else 0) + 1
    note = (
        f"{name}: mixes two encodings: {bad} byte(s) that are not UTF-8 (first on line "
        f"{line}) are read as cp1252; check those rows."
    )
    return _utf8(name, text.translate(_FROM_ESCAPED)), "utf-8 and cp1252", [note]


def _is_utf8(data: bytes) -> bool:
    """Strict UTF-8 check by Arrow: ten times faster than bytes.decode on accented text."""
    offsets = pa.array([0, len(data)], pa.int64()).buffers()[1]
    try:
        pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, pa.py_buffer(data)]).validate(
            full=True
        )
    except pa.ArrowInvalid:
        return False
    return True


def _utf8(name: str, text: str) -> bytes:
    return _checked(name, text.removeprefix("\ufeff").encode("utf-8"))


def _checked(name: str, payload: bytes) -> bytes:
    """`payload` unless it holds NUL or many control characters, as binary files do."""
    sample = payload[: SNIFF_CHARS * 4].decode("utf-8", errors="ignore")
    if b"\x00" in payload or len(_CONTROL_CHARS.findall(sample)) * 100 > len(sample):
        raise _binary(name)
    return payload


def _binary(name: str) -> InputError:
    return input_error(
        name, "is not text (a binary file?); give a CSV, XLSX, JSON or Parquet file."
    )
