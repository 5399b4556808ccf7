"""Each segment's tables (columns as numpy arrays) saved in a file beside the segment.

Reading a segment's facet, date and order columns into arrays is most of what the first
search of a new process costs: a million turns took over a second, in every web worker
and again whenever a merge wrote a new large segment. A segment never changes once
written, so what is read from it can be kept on disk with it: the index writer saves the
tables of every segment it commits (``whoosh_tables.save_segment_tables``), and a search
that finds no file for a segment (an index written before this) saves what it reads. The
postings of a segment's frequent terms are kept in the same kind of file
(``whoosh_postings.FrequentPostings``), saved by the writer or at the next commit, never by
a search: reading them back from Whoosh's blocks takes minutes at a million turns.

Saved arrays are mapped, not read: the pages are the kernel's, shared by every process on
the machine, and only what a search touches is read. A file is named after its segment
(``MAIN_<id>.tables<version>.<kind>.<field>``), so Whoosh deletes it with the segment when
a merge or a new build makes the segment unused. It is written whole to a temporary name
and then renamed: a reader sees a complete file or none. It is a copy of what the columns
say, so it is not synced to disk: one that does not match its segment (an older format,
another document count, a file cut short by a crash) is ignored and read again.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import tempfile
from pathlib import Path

import numpy as np
from numpy.lib import format as npy

logger = logging.getLogger(__name__)

# Raised whenever what a table holds, or how it is computed, changes: older files are then
# ignored (and deleted with their segments).
FORMAT_VERSION = 1

_ARRAY, _LABELS = 0, 1
_TABLE_FILE = re.compile(r"\.tables[0-9]+\.")
_HEADER_READERS = {(1, 0): npy.read_array_header_1_0, (2, 0): npy.read_array_header_2_0}


def _path(storage, segment, key: tuple[str, str]) -> Path | None:
    folder = getattr(storage, "folder", None)  # a FileStorage; an index in memory keeps nothing
    if folder is None:
        return None
    kind, name = (part.replace("-", "_") for part in key)
    return Path(folder) / segment.make_filename(f".tables{FORMAT_VERSION}.{kind}.{name}")


def is_table_file(name: str) -> bool:
    """True for the name of a saved table (of any format version) or of one being written."""
    return _TABLE_FILE.search(name) is not None


def exists(storage, segment, key: tuple[str, str]) -> bool:
    path = _path(storage, segment, key)
    return path is not None and path.exists()


class NotThisSegment(ValueError):
    """The file is not a complete table of a segment of this many documents."""


def load(storage, segment, key: tuple[str, str], documents: int):
    """The saved table ``key`` of ``segment`` (an array, or a tuple of arrays and label lists),
    or None when there is none that fits a segment of ``documents`` documents."""
    path = _path(storage, segment, key)
    if path is None:
        return None
    try:
        _documents, parts = load_file(path, documents)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, EOFError) as error:
        logger.warning("ignoring the saved search table %s: %s", path, error)
        return None
    return parts[0] if len(parts) == 1 else tuple(parts)


def load_file(path: Path, documents: int | None = None) -> tuple[int, list]:
    """(documents of the segment, parts) of one saved table; raises ``NotThisSegment`` when
    it is not whole or was saved for another number of documents."""
    with open(path, "rb") as file:
        size = os.fstat(file.fileno()).st_size
        saved_documents, *kinds = (int(v) for v in npy.read_array(file, allow_pickle=False))
        if documents is not None and saved_documents != documents:
            raise NotThisSegment(f"saved for {saved_documents} documents, not {documents}")
        parts = []
        for kind in kinds:
            dtype, length, start = _next_array(file)
            end = start + length * dtype.itemsize
            if end > size:
                raise NotThisSegment("cut short")
            if kind == _LABELS:
                parts.append(np.fromfile(file, dtype=dtype, count=length).tolist() if length else [])
            elif length:
                mapped = np.memmap(path, dtype=dtype, mode="r", offset=start, shape=(length,))
                parts.append(mapped.view(np.ndarray))  # a plain array, the map its base
            else:
                parts.append(np.zeros(0, dtype=dtype))
            file.seek(end)
        if file.tell() != size or not parts:
            raise NotThisSegment("not one whole table")
    return saved_documents, parts


def _next_array(file) -> tuple[np.dtype, int, int]:
    """(type, length, offset in the file) of the next array, whose header is read."""
    header = _HEADER_READERS.get(npy.read_magic(file))
    if header is None:
        raise NotThisSegment("unknown array format")
    shape, fortran_order, dtype = header(file)
    if len(shape) != 1 or fortran_order or dtype.hasobject:
        raise NotThisSegment("not a flat array")
    return dtype, shape[0], file.tell()


def save(storage, segment, key: tuple[str, str], table, documents: int) -> None:
    """Save ``table`` (what ``load`` gives back) for ``segment``; nothing is saved when the
    folder cannot be written or the table holds what the format cannot keep exactly."""
    path = _path(storage, segment, key)
    parts = table if isinstance(table, tuple) else (table,)
    if path is None or not all(_savable(part) for part in parts):
        return
    kinds = [_LABELS if isinstance(part, list) else _ARRAY for part in parts]
    temporary = None
    try:
        # Named after the segment too, so that one left by a crash goes with the segment.
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f"{path.name}.", suffix=".partial",
                                         delete=False) as file:
            temporary = file.name
            npy.write_array(file, np.array([documents, *kinds], dtype=np.int64))
            for part in parts:
                labels = isinstance(part, list)
                npy.write_array(file, np.array(part, dtype=str) if labels else np.ascontiguousarray(part))
        os.replace(temporary, path)
        temporary = None
    except OSError as error:  # a read-only index folder, a full disk: searches read the columns
        logger.info("search table %s not saved: %s", path, error)
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def _savable(part) -> bool:
    if isinstance(part, list):
        # numpy's strings drop trailing NULs; labels are names and words, which have none.
        return all(isinstance(label, str) and not label.endswith("\0") for label in part)
    return isinstance(part, np.ndarray) and part.ndim == 1 and not part.dtype.hasobject
