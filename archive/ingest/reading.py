"""Read transcript files into text: decoding, newline normalisation, clear refusals.

Pure Python (no Django).  Both entry points raise :class:`TranscriptError` with a
one-line reason for input that cannot be a transcript, so ingest can report the file and
move on.
"""

from __future__ import annotations

import codecs
import os

from .types import TranscriptError

__all__ = ["HTML_SUFFIXES", "FEED_SUFFIXES", "decode_transcript", "read_bytes", "read_transcript"]

# Files read as web pages and as feeds (RSS, Atom, JSON feed records) rather than as text.
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
FEED_SUFFIXES = (".xml", ".rss", ".atom", ".json", ".jsonl")

# Control characters that ordinary text files do contain.
_TEXT_CONTROLS = frozenset("\t\n\r\f\v")
# Above this share of control characters a file is treated as binary.
_MAX_CONTROL_SHARE = 0.05
# Only the start of a large file is inspected for the binary check.
_SNIFF = 64 * 1024


def _normalise_newlines(text: str) -> str:
    return (
        text.replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\u2028", "\n")
        .replace("\u2029", "\n")
    )


def _looks_binary(text: str) -> bool:
    sample = text[:_SNIFF]
    if not sample:
        return False
    controls = sum(
        1
        for ch in sample
        if (ch < " " and ch not in _TEXT_CONTROLS) or "\x7f" <= ch <= "\x9f"
    )
    return controls / len(sample) > _MAX_CONTROL_SHARE


def decode_transcript(data: bytes, name: str) -> tuple[str, str]:
    """Decode the bytes of a transcript file named ``name`` (used in messages).

    Tries UTF-8 (with or without a byte-order mark), then Windows-1252.  Returns
    ``(text, encoding)`` where ``encoding`` is ``"utf-8"``, ``"utf-8-sig"`` or
    ``"windows-1252"``, and ``text`` has ``\\n`` newlines only and no byte-order mark.
    Raises :class:`TranscriptError` for an empty, whitespace-only, binary or
    undecodable file.
    """
    label = name or "input"
    if not data:
        raise TranscriptError(f"{label}: file is empty")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise TranscriptError(f"{label}: file is UTF-16/UTF-32 text; save it as UTF-8")
    if b"\x00" in data:
        raise TranscriptError(f"{label}: binary file (contains NUL bytes), not a text transcript")

    if data.startswith(codecs.BOM_UTF8):
        candidates = [("utf-8-sig", "utf-8-sig")]
    else:
        candidates = [("utf-8", "utf-8"), ("cp1252", "windows-1252")]
    text = None
    encoding = ""
    for codec, public_name in candidates:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        encoding = public_name
        break
    if text is None:
        if data.startswith(codecs.BOM_UTF8):
            raise TranscriptError(f"{label}: starts with a UTF-8 byte-order mark but is not valid UTF-8")
        raise TranscriptError(f"{label}: bytes cannot be decoded as UTF-8 or Windows-1252")

    if _looks_binary(text):
        raise TranscriptError(f"{label}: binary file (mostly control characters), not a text transcript")
    text = _normalise_newlines(text.lstrip("\ufeff"))
    if not text.strip():
        raise TranscriptError(f"{label}: file contains only whitespace")
    return text, encoding


def read_bytes(path: str | os.PathLike) -> bytes:
    """The bytes of the file at ``path``; raises :class:`TranscriptError` when the path does
    not exist, is a directory, cannot be read, or is empty."""
    name = os.fspath(path)
    if isinstance(name, bytes):
        name = os.fsdecode(name)
    if not os.path.lexists(name):
        raise TranscriptError(f"{name}: no such file")
    if os.path.isdir(name):
        raise TranscriptError(f"{name}: is a directory, not a file")
    if not os.path.isfile(name):
        if not os.path.exists(name):
            raise TranscriptError(f"{name}: broken link, the file it points to does not exist")
        raise TranscriptError(f"{name}: not a regular file")
    try:
        with open(name, "rb") as handle:
            data = handle.read()
    except PermissionError:
        raise TranscriptError(f"{name}: permission denied") from None
    except OSError as exc:
        raise TranscriptError(f"{name}: cannot be read ({exc.strerror or exc})") from None
    if not data:
        raise TranscriptError(f"{name}: file is empty")
    if not data.strip():
        raise TranscriptError(f"{name}: file contains only whitespace")
    return data


def read_transcript(path: str | os.PathLike) -> tuple[str, str]:
    """Read and decode the transcript file at ``path``; returns ``(text, encoding)``.

    Raises :class:`TranscriptError` when the path does not exist, is a directory, cannot
    be read, or holds no usable text (see :func:`decode_transcript`).
    """
    name = os.fspath(path)
    if isinstance(name, bytes):
        name = os.fsdecode(name)
    return decode_transcript(read_bytes(name), name)
