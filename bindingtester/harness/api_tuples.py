"""How `ApiProgram` emits the tuple-layer operations: TUPLE_PACK, TUPLE_UNPACK, TUPLE_RANGE,
TUPLE_SORT, SUB (big-integer unpacking), the float encodings and TUPLE_PACK_WITH_VERSIONSTAMP
(followed, when it yields exactly one stamp, by three stamped mutations `validate` checks)."""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

import found

from .api_program import UNSET, vs_param

if TYPE_CHECKING:
    from .api_program import ApiProgram

__all__ = ["e_tuples"]


def e_tuples(g: ApiProgram, op: str) -> bool:
    out, values = g.out, g.values
    if op in ("TUPLE_PACK", "TUPLE_RANGE"):
        tup = values.tuple_(10)
        out.push(len(tup), *tup)
        out.append(op)
        g.add_strings(1 if op == "TUPLE_PACK" else 2)
    elif op == "TUPLE_UNPACK":
        tup = values.tuple_(10)
        out.push(len(tup), *tup)
        out.append("TUPLE_PACK")
        out.append(op)
        g.add_strings(len(tup))
    elif op == "TUPLE_SORT":
        tuples = values.tuple_list(10, 30)
        for tup in tuples:
            out.push(len(tup), *tup)
            out.append("TUPLE_PACK")
        out.push(len(tuples))
        out.append(op)
        g.add_strings(len(tuples))
    elif op == "SUB":
        out.push(0, values.int_() // 2, values.int_() // 2)
        out.append(op)
        out.push(1)
        out.append("SWAP")
        out.append(op)
        out.push(1)
        out.append("TUPLE_PACK")
        g.add_items(1)
    elif op == "TUPLE_PACK_WITH_VERSIONSTAMP":
        e_pack_with_versionstamp(g)
    elif op in ("ENCODE_FLOAT", "ENCODE_DOUBLE"):
        wide = op == "ENCODE_DOUBLE"
        number = values.float_(11 if wide else 8)
        out.push(struct.pack(">d", number) if wide else struct.pack(">f", values.single().value))
        out.append(op)
        g.add_items(1)
    elif op == "DECODE_FLOAT":
        out.push(values.single())
        out.append(op)
        g.add_strings(1)
    elif op == "DECODE_DOUBLE":
        out.push(values.float_(11))
        out.append(op)
        g.add_strings(1)
    return False


def e_pack_with_versionstamp(g: ApiProgram) -> None:
    out, values = g.out, g.values
    tup = (values.bytes_(20), *values.tuple_(10, incomplete=True))
    prefix = g.vs_keys.key()
    out.push(prefix, len(tup), *tup)
    out.append("TUPLE_PACK_WITH_VERSIONSTAMP")
    g.add_strings(1)
    stamps = sum(
        1 for item in tup if isinstance(item, found.Versionstamp) and not item.is_complete()
    )
    if stamps != 1:
        return
    packed = found.pack_with_versionstamp(tup)[:-4]  # the placeholder, without its offset
    first = (prefix + packed).find(UNSET)
    id_ = values.bytes_(100)
    out.push(id_)
    out.to_front(1)
    out.push("SET_VERSIONSTAMPED_KEY")
    out.append("ATOMIC_OP")
    out.push(
        "SET_VERSIONSTAMPED_VALUE",
        g.vs_values_2.pack((id_,)),
        vs_param(packed, first - len(prefix)),
    )
    out.append("ATOMIC_OP")
    out.push("SET_VERSIONSTAMPED_VALUE", g.vs_values.pack((id_,)), vs_param(UNSET + packed))
    out.append("ATOMIC_OP")
    g.can_use_key_selectors = False
