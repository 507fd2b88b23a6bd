"""The directory layer's exceptions.

The official Python binding raises plain `ValueError` for a bad request (a missing or existing
directory, a bad path, a layer mismatch, a manual prefix that is in use, a move across
partitions) and plain `Exception` for the rest (a newer on-disk format, a prefix the
allocator chose that is already holding data, using a partition's root as a subspace, moving
the root). found raises the same messages with two classes that keep those bases, so code that
catches `ValueError` or `Exception` around the official binding works unchanged:

- `DirectoryValueError` (a `DirectoryError` and a `ValueError`): the request is wrong;
- `DirectoryError` (an `Exception`): everything else.

FoundationDB errors of the transaction itself (1020 not_committed, ...) are raised as
`found.FoundException` as usual, and retried by `found.transactional`.
"""

from __future__ import annotations

__all__ = ["DirectoryError", "DirectoryValueError"]


class DirectoryError(Exception):
    """A directory layer failure that the official binding raises as a plain `Exception`."""


class DirectoryValueError(DirectoryError, ValueError):
    """A bad directory request (the official binding raises these as `ValueError`)."""


# The messages, shared with the official binding word for word.
ROOT_OPEN = "The root directory cannot be opened."
ROOT_REMOVE = "The root directory cannot be removed."
ROOT_MOVE = "The root directory cannot be moved."
EXISTS = "The directory already exists."
MISSING = "The directory does not exist."
BAD_LAYER = "The directory was created with an incompatible layer."
NO_MANUAL = "Cannot specify a prefix unless manual prefixes are enabled."
NO_MANUAL_IN_PARTITION = "Cannot specify a prefix in a partition."
PREFIX_IN_USE = "The given prefix is already in use."
PARENT_MISSING = "The parent directory doesn't exist."
MOVE_INTO_SELF = "The destination directory cannot be a subdirectory of the source directory."
MOVE_SOURCE_MISSING = "The source directory does not exist."
MOVE_ACROSS = "Cannot move between partitions."
MOVE_TARGET_EXISTS = "The destination directory already exists. Remove it first."
MOVE_PARENT_MISSING = "The parent of the destination directory does not exist. Create it first."
BAD_PATH = "Invalid path: must be a unicode string or a tuple of unicode strings"
ALLOCATED_HAS_KEYS = (
    "The database has keys stored at the prefix chosen by the automatic prefix allocator: %r."
)
ALLOCATED_NOT_FREE = (
    "The directory layer has manually allocated prefixes that conflict with the automatic "
    "prefix allocator."
)
VERSION_TOO_NEW = "Cannot load directory with version %d.%d.%d using directory layer %d.%d.%d"
VERSION_READ_ONLY = (
    "Directory with version %d.%d.%d is read-only when opened using directory layer %d.%d.%d"
)
