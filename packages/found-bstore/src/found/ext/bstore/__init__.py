"""found-bstore: a content-addressed blob store over found.

A blob's uid is the blake2b digest of its bytes, so the same content has the same uid in every
database and is stored once per store. Blobs are cut into chunks under FoundationDB's value size
limit, optionally compressed with zstandard, read as a stream, reference counted, and can be
uploaded across several transactions when larger than one transaction allows.

Example::

    from found.ext import bstore

    store = bstore.make("images", ("app", "images"))
    uid = await found.transactional(db, bstore.get_or_create, store, b"...")
    blob = await found.transactional(db, bstore.get, store, uid)
    big = await bstore.upload(db, store, open("video.mp4", "rb"))
"""

from ._layout import UID_SIZE, BStore, BStoreException, make
from ._read import BlobInfo, download, get, read, stat, verify
from ._upload import collect_uploads, upload
from ._write import delete, get_or_create

__all__ = [
    "UID_SIZE",
    "BStore",
    "BStoreException",
    "BlobInfo",
    "collect_uploads",
    "delete",
    "download",
    "get",
    "get_or_create",
    "make",
    "read",
    "stat",
    "upload",
    "verify",
]
