"""Where haystack looks for the archive's search indexes; they live in ``archive.search``."""

from archive.search.indexes import TurnIndex

__all__ = ["TurnIndex"]
