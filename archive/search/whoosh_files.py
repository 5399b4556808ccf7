"""Whoosh's segment files read in place from the memory map, not copied into each process.

Whoosh (2.7.4, no longer released) maps a compound segment file and hands each file inside
it to its readers as a ``BufferFile`` over a ``memoryview`` of the map. ``BufferFile`` then
wraps the view in ``io.BytesIO``, and ``BytesIO`` copies a view it is given: every searcher
holds its own private copy of the postings, terms and columns it opened. At 100,000 turns
that was 218 MB of a search process's memory (tracemalloc, ``bench/query_bench.py
--memory``), and it grows with the archive. The reader below serves the same reads from the
view itself, so the pages stay the kernel's, shared by every process that maps the file.
"""

from __future__ import annotations

import io

from whoosh.filedb import compound, structfile


# What peek hands pickle at most: a postings block's header is far smaller; more is asked again.
PEEK_BYTES = 1024


class _ViewReader(io.RawIOBase):
    """A read-only, seekable file over a memoryview, copying only what is read."""

    def __init__(self, view):
        super().__init__()
        self._view = memoryview(view).cast("B")
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            position = offset
        elif whence == io.SEEK_CUR:
            position = self._position + offset
        elif whence == io.SEEK_END:
            position = len(self._view) + offset
        else:
            raise ValueError(f"invalid whence {whence!r}")
        if position < 0:
            raise ValueError(f"negative seek position {position}")
        self._position = position
        return position

    def read(self, size: int | None = -1) -> bytes:
        start = self._position
        end = len(self._view) if size is None or size < 0 else min(start + size, len(self._view))
        if end <= start:
            return b""
        self._position = end
        return self._view[start:end].tobytes()

    def peek(self, size: int = 0) -> bytes:
        # pickle.load reads ahead through peek when a file has it; without it, it calls read
        # once per opcode (a postings block's pickle is read by Whoosh from the file).
        # io.IOBase.readline finds the line's end through it too.
        start = self._position
        return self._view[start : start + min(max(size, 1), PEEK_BYTES)].tobytes()

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        # The view belongs to the segment's map, which Whoosh closes itself.
        self._view = memoryview(b"")
        super().close()


class MappedBufferFile(structfile.BufferFile):
    """``BufferFile`` whose reads come from the map, without a private copy."""

    def __init__(self, buf, name=None, onclose=None):
        super().__init__(b"", name=name, onclose=onclose)
        self._buf = buf
        self.file = _ViewReader(buf)


def install() -> None:
    """Have compound segments open their files as ``MappedBufferFile`` (idempotent)."""
    compound.BufferFile = MappedBufferFile
