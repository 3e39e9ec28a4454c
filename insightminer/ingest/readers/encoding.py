"""Turn file bytes into text, saying which encoding worked; refuse binary content and empty files."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from insightminer.ingest.readers.common import IngestError

# Longest BOM first: the UTF-32 LE BOM starts with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

#: More than this share of other control characters means the file is not text.
_MAX_CONTROL_SHARE = 0.02


@dataclass
class DecodedText:
    text: str  # newlines normalised to \n, BOM removed
    encoding: str
    notes: list[str] = field(default_factory=list)


# Control characters (Unicode category Cc) other than tab, newline, vertical tab, form feed, return.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    sample = text[:200_000]
    return len(_CONTROL.findall(sample)) / len(sample)


def _looks_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: ASCII-heavy text puts a NUL in every other byte."""
    sample = data[:65_536]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    even_nul = even.count(0) / len(even)
    odd_nul = odd.count(0) / max(1, len(odd))
    if odd_nul > 0.3 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.3 and odd_nul < 0.05:
        return "utf-16-be"
    return None


_REPLACEMENT = "\ufffd"


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 with a few damaged bytes (a truncated copy, one bad edit), not a legacy 8-bit encoding.

    A cp1252 file almost never contains valid multi-byte UTF-8 sequences, so when the valid
    non-ASCII characters outnumber the broken sequences, the file is UTF-8 and replacing the
    damage loses less than reading every accented letter as mojibake.
    """
    text = data.decode("utf-8", errors="replace")
    bad = text.count(_REPLACEMENT) - data.count("\ufffd".encode())
    good = sum(1 for ch in text if ord(ch) > 127 and ch != _REPLACEMENT)
    return text if good >= max(1, bad) else None


def _few_nuls(count: int, length: int) -> bool:
    """Isolated NULs in text (at most 1 in 1,000 characters); a binary file has far more."""
    return count <= max(1, length // 1000)


def decode_bytes(data: bytes) -> DecodedText:
    """Decode a text file's bytes: BOM, strict UTF-8, BOM-less UTF-16, then cp1252 / latin-1 (reported)."""
    if not data.strip():
        raise IngestError("empty file" if not data else "empty file (only whitespace)")
    original = data
    text: str | None = None
    encoding = ""
    notes: list[str] = []
    for bom, name in _BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            try:
                text = body.decode(name)
            except UnicodeDecodeError:
                # The mark says what the file is: keep it, replacing the few damaged bytes.
                text = body.decode(name, errors="replace")
                notes.append(f"{text.count(_REPLACEMENT)} invalid byte sequence(s) replaced")
            encoding = name
            break
    if text is None and b"\x00" in data:
        guess = _looks_utf16(data)
        if guess is not None:
            try:
                text = data.decode(guess)
            except UnicodeDecodeError:
                raise IngestError("not a text file (binary content)") from None
            encoding = guess
            notes.append(f"decoded as {guess} (no byte-order mark)")
        elif _few_nuls(data.count(0), len(data)):
            data = data.replace(b"\x00", b"")  # stray NULs (a bad copy, an editor crash), noted below
        else:
            raise IngestError("not a text file (binary content)")
    if text is None:
        try:
            text = data.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError:
            text = _mostly_utf8(data)
            if text is not None:
                encoding = "utf-8"
                notes.append(f"{text.count(_REPLACEMENT)} invalid UTF-8 byte sequence(s) replaced")
        if text is None:
            try:
                text = data.decode("cp1252")
                encoding = "cp1252"
            except UnicodeDecodeError:  # bytes cp1252 leaves undefined (0x81, 0x8d, ...)
                text = data.decode("latin-1")
                encoding = "latin-1"
            notes.append(f"decoded as {encoding} (not valid UTF-8)")
    nuls = text.count("\x00") + (original.count(0) if len(original) != len(data) else 0)
    if "\x00" in text:
        if not _few_nuls(text.count("\x00"), len(text)):
            raise IngestError("not a text file (binary content)")
        text = text.replace("\x00", "")
    if _control_share(text) > _MAX_CONTROL_SHARE:
        raise IngestError("not a text file (binary content)")
    if nuls:
        notes.append(f"{nuls} NUL byte(s) removed")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise IngestError("empty file (only whitespace)")
    return DecodedText(text=text, encoding=encoding, notes=notes)
