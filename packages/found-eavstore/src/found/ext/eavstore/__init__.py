"""found-eavstore: dictionaries stored as entity-attribute-value, with an attribute index.

Each entity is a mapping stored under a uid; every ``(attribute, value)`` pair is indexed, so
entities can be looked up by an exact value (`query`) or a range of values (`query_range`),
page by page with an opaque cursor (`query_page`, `query_range_page`). The index stays exact
through `update` and `remove`.

Example::

    from found.ext import eavstore

    people = eavstore.make("people", ("app", "people"))
    uid = await found.transactional(db, eavstore.create, people, {"name": "Ada", "born": 1815})

    async def born_before(tx, year):
        return [uid async for _, uid in eavstore.query_range(tx, people, "born", None, year)]
"""

from ._query import Page, query, query_page, query_range, query_range_page
from ._store import EAVStore, create, get, make, remove, update

__all__ = [
    "EAVStore",
    "Page",
    "create",
    "get",
    "make",
    "query",
    "query_page",
    "query_range",
    "query_range_page",
    "remove",
    "update",
]
