"""The scripted program's directory section: the directory extension with expected answers.

Directory list indexes: 0 the default directory layer, 1 `app`, 2 `app/child`, 3 and 4 None
(a failed open and a failed create), 5 `app/moved`.
"""

from __future__ import annotations

import found

from .script import Script
from .space import Space

__all__ = ["directory_section"]

ERROR = b"DIRECTORY_ERROR"


def directory_section(s: Script, data: Space) -> None:
    """Append the directory instructions and their expected results to `s`."""
    s.do("DIRECTORY_CREATE_OR_OPEN_DATABASE", 1, "app", b"")
    s.do("DIRECTORY_EXISTS_DATABASE", 1, 1, "app").result(1, packed=True)
    s.do("DIRECTORY_CHANGE", 1)
    s.do("DIRECTORY_CREATE_OR_OPEN_DATABASE", 1, "child", b"")
    s.do("DIRECTORY_LIST_DATABASE", 0).result(found.pack(("child",)))
    s.do("DIRECTORY_PACK_KEY", 2, "a", 1).op("DUP", "DUP")
    s.op("DIRECTORY_CONTAINS").result(1, packed=True)
    s.op("DIRECTORY_STRIP_PREFIX").result(found.pack(("a", 1)))
    s.op("DIRECTORY_UNPACK_KEY").result(1, packed=True).result("a", packed=True)
    s.do("DIRECTORY_OPEN_DATABASE", 1, "missing", b"").result(ERROR)
    s.do("DIRECTORY_CREATE_DATABASE", 1, "child", b"", None).result(ERROR)
    s.do("DIRECTORY_CHANGE", 3)  # None: goes to the error index, 0
    s.do("DIRECTORY_LIST_DATABASE", 1, 1, "app").result(found.pack(("child",)))
    s.do("DIRECTORY_MOVE_DATABASE", 2, "app", "child", 2, "app", "moved")
    s.do("DIRECTORY_LIST_DATABASE", 1, 1, "app").result(found.pack(("moved",)))
    s.op("NEW_TRANSACTION").do("DIRECTORY_EXISTS_SNAPSHOT", 1, 2, "app", "moved")
    s.result(1, packed=True)
    s.do("DIRECTORY_CHANGE", 5)
    log = data.pack(("dirlog",))
    s.do("DIRECTORY_LOG_DIRECTORY_DATABASE", log)
    for field, value in [
        ("path", found.pack(("app", "moved"))),
        ("layer", found.pack((b"",))),
        ("exists", found.pack((1,))),
        ("children", found.pack(())),
    ]:
        s.do("GET_DATABASE", log + found.pack((5, field))).result(value)
    s.do("DIRECTORY_REMOVE_DATABASE", 0)
    s.do("DIRECTORY_EXISTS_DATABASE", 0).result(0, packed=True)
    s.do("DIRECTORY_CHANGE", 0)
    s.do("DIRECTORY_REMOVE_IF_EXISTS_DATABASE", 1, 1, "nothing")
    s.do("DIRECTORY_REMOVE_DATABASE", 1, 1, "nothing").result(ERROR)
    s.do("DIRECTORY_LIST_DATABASE", 0).result(found.pack(("app",)))
