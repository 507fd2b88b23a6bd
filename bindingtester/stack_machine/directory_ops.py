"""The directory extension: DIRECTORY_* instructions over found's directory layer.

State per machine: the directory list (it starts with the default directory layer), the
current index and the error index. Any failure of an instruction, FoundationDB or not, pushes
`DIRECTORY_ERROR`, and an instruction that should have added an entry to the list adds None;
that is the extension's contract (a directory error is an expected result, not a crash).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Dict, List, Optional, Tuple

import found

if TYPE_CHECKING:
    from .machine import Instruction, StackMachine

__all__ = ["DirectoryState", "handler"]

log = logging.getLogger("found.bindingtester.directory")

DirHandler = Callable[["StackMachine", "Instruction", Any, Any], Awaitable[None]]

CREATING = {
    "DIRECTORY_CREATE_SUBSPACE",
    "DIRECTORY_CREATE_LAYER",
    "DIRECTORY_CREATE_OR_OPEN",
    "DIRECTORY_CREATE",
    "DIRECTORY_OPEN",
    "DIRECTORY_MOVE",
    "DIRECTORY_MOVE_TO",
    "DIRECTORY_OPEN_SUBSPACE",
}


class DirectoryState:
    """The directory list, the current index and the error index of one machine."""

    def __init__(self) -> None:
        self.entries: List[Any] = []
        self.index = 0
        self.error_index = 0

    def current(self) -> Any:
        if not self.entries:
            self.entries.append(found.directory)
        return self.entries[self.index]


async def pop_tuple(m: StackMachine) -> Tuple[Any, ...]:
    """Pop a count, then that many items (the first popped first)."""
    count = await m.pop()
    return tuple(await m.pops(count))


def _target(m: StackMachine, inst: Instruction) -> Any:
    if inst.database:
        return m.db
    return m.reader(inst)


async def d_create_subspace(m: StackMachine, inst: Instruction, d: Any, tr: Any) -> None:
    path = await pop_tuple(m)
    raw = await m.pop()
    m.directory.entries.append(found.Subspace(path, raw))


async def d_create_layer(m: StackMachine, inst: Instruction, d: Any, tr: Any) -> None:
    index1, index2, allow_manual = await m.pops(3)
    nodes, content = m.directory.entries[index1], m.directory.entries[index2]
    if nodes is None or content is None:
        m.directory.entries.append(None)
        return
    layer_class = found.DirectoryLayer
    m.directory.entries.append(layer_class(nodes, content, allow_manual == 1))


async def d_change(m: StackMachine, inst: Instruction, d: Any, tr: Any) -> None:
    m.directory.index = await m.pop()
    if m.directory.entries[m.directory.index] is None:
        m.directory.index = m.directory.error_index


async def d_set_error_index(m: StackMachine, inst: Instruction, d: Any, tr: Any) -> None:
    m.directory.error_index = await m.pop()


async def d_create_or_open(m: StackMachine, inst: Instruction, d: Any, tr: Any) -> None:
    path = await pop_tuple(m)
    layer = await m.pop()
    m.directory.entries.append(await d.create_or_open(tr, path, layer or b""))


async def d_create(m: StackMachine, inst: Instruction, d: Any, tr: Any) -> None:
    path = await pop_tuple(m)
    layer, prefix = await m.pops(2)
    m.directory.entries.append(await d.create(tr, path, layer or b"", prefix))


async def d_open(m: StackMachine, inst: Instruction, d: Any, tr: Any) -> None:
    path = await pop_tuple(m)
    layer = await m.pop()
    m.directory.entries.append(await d.open(tr, path, layer or b""))


async def d_move(m: StackMachine, inst: Instruction, d: Any, tr: Any) -> None:
    old_path = await pop_tuple(m)
    new_path = await pop_tuple(m)
    m.directory.entries.append(await d.move(tr, old_path, new_path))


async def d_move_to(m: StackMachine, inst: Instruction, d: Any, tr: Any) -> None:
    m.directory.entries.append(await d.move_to(tr, await pop_tuple(m)))


async def _optional_path(m: StackMachine) -> Optional[Tuple[Any, ...]]:
    count = await m.pop()
    return None if count == 0 else await pop_tuple(m)


async def d_remove(m: StackMachine, inst: Instruction, d: Any, tr: Any) -> None:
    path = await _optional_path(m)
    await (d.remove(tr) if path is None else d.remove(tr, path))


async def d_remove_if_exists(m: StackMachine, inst: Instruction, d: Any, tr: Any) -> None:
    path = await _optional_path(m)
    await (d.remove_if_exists(tr) if path is None else d.remove_if_exists(tr, path))


async def d_list(m: StackMachine, inst: Instruction, d: Any, tr: Any) -> None:
    path = await _optional_path(m)
    children = await (d.list(tr) if path is None else d.list(tr, path))
    m.push(inst, found.pack(tuple(children)))


async def d_exists(m: StackMachine, inst: Instruction, d: Any, tr: Any) -> None:
    path = await _optional_path(m)
    exists = await (d.exists(tr) if path is None else d.exists(tr, path))
    m.push(inst, 1 if exists else 0)


async def d_pack_key(m: StackMachine, inst: Instruction, d: Any, tr: Any) -> None:
    m.push(inst, d.pack(await pop_tuple(m)))


async def d_unpack_key(m: StackMachine, inst: Instruction, d: Any, tr: Any) -> None:
    for item in d.unpack(await m.pop()):
        m.push(inst, item)


async def d_range(m: StackMachine, inst: Instruction, d: Any, tr: Any) -> None:
    span = d.range(await pop_tuple(m))
    m.push(inst, span.start)
    m.push(inst, span.stop)


async def d_contains(m: StackMachine, inst: Instruction, d: Any, tr: Any) -> None:
    m.push(inst, 1 if d.contains(await m.pop()) else 0)


async def d_open_subspace(m: StackMachine, inst: Instruction, d: Any, tr: Any) -> None:
    m.directory.entries.append(d.subspace(await pop_tuple(m)))


async def _write(m: StackMachine, tr: Any, pairs: List[Tuple[bytes, bytes]]) -> None:
    async def write(tx: found.Transaction) -> None:
        for key, value in pairs:
            found.set(tx, key, value)

    if isinstance(tr, found.Database):
        await found.transactional(tr, write)
    else:
        await write(tr)


async def d_log_subspace(m: StackMachine, inst: Instruction, d: Any, tr: Any) -> None:
    prefix = await m.pop()
    await _write(m, tr, [(prefix + found.pack((m.directory.index,)), d.key())])


async def d_log_directory(m: StackMachine, inst: Instruction, d: Any, tr: Any) -> None:
    prefix = await m.pop()
    exists = await d.exists(tr)
    children = tuple(await d.list(tr)) if exists else ()
    log_space = found.Subspace((m.directory.index,), prefix)
    await _write(
        m,
        tr,
        [
            (log_space.pack(("path",)), found.pack(tuple(d.get_path()))),
            (log_space.pack(("layer",)), found.pack((d.get_layer(),))),
            (log_space.pack(("exists",)), found.pack((int(bool(exists)),))),
            (log_space.pack(("children",)), found.pack(children)),
        ],
    )


async def d_strip_prefix(m: StackMachine, inst: Instruction, d: Any, tr: Any) -> None:
    value = await m.pop()
    key = d.key()
    if not value.startswith(key):
        raise ValueError(f"{value!r} does not start with the raw prefix {key!r}")
    m.push(inst, value[len(key) :])


HANDLERS: Dict[str, DirHandler] = {
    "DIRECTORY_" + name.upper(): func
    for name, func in {
        "create_subspace": d_create_subspace,
        "create_layer": d_create_layer,
        "change": d_change,
        "set_error_index": d_set_error_index,
        "create_or_open": d_create_or_open,
        "create": d_create,
        "open": d_open,
        "move": d_move,
        "move_to": d_move_to,
        "remove": d_remove,
        "remove_if_exists": d_remove_if_exists,
        "list": d_list,
        "exists": d_exists,
        "pack_key": d_pack_key,
        "unpack_key": d_unpack_key,
        "range": d_range,
        "contains": d_contains,
        "open_subspace": d_open_subspace,
        "log_subspace": d_log_subspace,
        "log_directory": d_log_directory,
        "strip_prefix": d_strip_prefix,
    }.items()
}


def handler(op: str) -> Optional[Callable[[StackMachine, Instruction], Awaitable[None]]]:
    """The machine-level handler of DIRECTORY_* op `op` (suffix already removed), or None."""
    func = HANDLERS.get(op)
    if func is None:
        return None

    async def run(m: StackMachine, inst: Instruction) -> None:
        try:
            await func(m, inst, m.directory.current(), _target(m, inst))
        except Exception as exc:  # the extension's contract: every failure is DIRECTORY_ERROR
            log.debug("instruction %d %s: %r", inst.index, op, exc)
            if op in CREATING:
                m.directory.entries.append(None)
            m.push(inst, b"DIRECTORY_ERROR")

    return run
