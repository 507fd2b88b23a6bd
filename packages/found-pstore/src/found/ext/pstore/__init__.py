"""found-pstore: ranked keyword search (BM25) over documents.

Index each document as a mapping of terms to counts (`tokenize` makes one from text), then
search with keywords: documents come back best first, ranked by BM25 (k1=1.2, b=0.75) from
exact statistics kept in the store. Re-indexing a document replaces it; `delete` removes it.
Compression is not needed: zstandard is not a dependency.

Example::

    from found.ext import pstore

    store = pstore.make("articles", ("app", "search"))
    await found.transactional(db, pstore.index, store, 42, pstore.tokenize("Hello, world"))
    hits = await found.transactional(db, pstore.search, store, ["hello"], 10)
    # [(42, 0.28...)]
"""

from ._index import delete, index
from ._layout import PStore, PStoreException, make
from ._search import K1, B, idf, search
from ._tokenize import tokenize

__all__ = [
    "K1",
    "B",
    "PStore",
    "PStoreException",
    "delete",
    "idf",
    "index",
    "make",
    "search",
    "tokenize",
]
