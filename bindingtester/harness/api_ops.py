"""How `ApiProgram` emits each kind of random operation (one function per family).

`emit(gen, op)` appends the instructions for `op`, keeps the generator's stack bookkeeping,
and returns True when the op is a read whose result a later commit must wait for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Dict

from .api_program import ATOMIC_OPS, IDEMPOTENT_ATOMIC_OPS, UNSET, vs_param
from .api_tuples import e_tuples

if TYPE_CHECKING:
    from .api_program import ApiProgram

__all__ = ["emit"]


def _base(op: str) -> str:
    for suffix in ("_SNAPSHOT", "_DATABASE"):
        if op.endswith(suffix):
            return op[: -len(suffix)]
    return op


def _result(g: ApiProgram, limit: int) -> None:
    # A huge limit may return a huge packed string: do not reuse it as a key or value.
    if 1 <= limit <= 1000:
        g.add_strings(1)
    else:
        g.add_items(1)


def e_transaction(g: ApiProgram, op: str) -> bool:
    out = g.out
    if op == "NEW_TRANSACTION":
        out.append(op)
        g.fresh_transaction_state()
    elif op == "ON_ERROR":
        out.push(g.rng.randint(0, 5000))
        out.append(op)
        g.outstanding.append((g.stack_size, len(out) - 1))
        g.wait_for_reads()
        out.append("NEW_TRANSACTION")
        g.fresh_transaction_state()
        g.add_strings(1)
    elif op == "COMMIT":
        if g.concurrent and g.rng.random() >= 0.9:
            out.append(op)  # a commit left in flight
            g.add_strings(1)
            return False
        g.wait_for_reads()
        g.committed()
        g.can_set_version = True
        g.can_use_key_selectors = True
    elif op == "RESET":
        out.append(op)
        g.can_get_commit_version = False
        g.can_set_version = True
        g.can_use_key_selectors = True
    elif op == "CANCEL":
        out.append(op)
        g.can_set_version = False
    return False


def e_reads(g: ApiProgram, op: str) -> bool:
    out, values, base = g.out, g.values, _base(op)
    selectors_ok = op.endswith("_DATABASE") or g.can_use_key_selectors
    if base == "GET":
        g.ensure_key(1)
        out.append(op)
        g.add_strings(1)
    elif base == "GET_KEY":
        if not selectors_ok:
            return False
        g.ensure_key(1)
        out.push(g.workspace.key())
        out.push(*values.selector_params())
        out.to_front(3)
        out.append(op)
        g.add_strings(1)
    elif base == "GET_RANGE":
        g.ensure_key(2)
        params = values.range_params()
        out.push(*params)
        out.to_front(4)
        out.to_front(4)
        out.append(op)
        _result(g, params[0])
    elif base == "GET_RANGE_STARTS_WITH":
        g.ensure_key(1)
        params = values.range_params()
        out.push(*params)
        out.to_front(3)
        out.append(op)
        _result(g, params[0])
    else:  # GET_RANGE_SELECTOR
        if not selectors_ok:
            return False
        g.ensure_key(2)
        out.push(g.workspace.key())
        params = values.range_params()
        out.push(*params)
        out.push(*values.selector_params())
        out.to_front(6)
        out.push(*values.selector_params())
        out.to_front(9)
        out.append(op)
        _result(g, params[0])
    g.can_set_version = False
    return True


def e_versions(g: ApiProgram, op: str) -> bool:
    out = g.out
    if op in ("GET_READ_VERSION", "GET_READ_VERSION_SNAPSHOT"):
        out.append(op)
        g.has_version = g.can_set_version
        g.add_strings(1)
    elif op == "SET_READ_VERSION":
        if g.has_version and g.can_set_version:
            out.append(op)
            g.can_set_version = False
    elif op == "GET_COMMITTED_VERSION" and g.can_get_commit_version:
        commit = g.rng.random() < 0.5
        if commit:
            out.append("COMMIT")
            out.append("WAIT_FUTURE")
            g.add_items(1)
        out.append(op)
        g.has_version = True
        g.add_strings(1)
        if commit:
            out.append("RESET")
            g.can_get_commit_version = False
            g.can_set_version = True
            g.can_use_key_selectors = True
    elif op == "GET_APPROXIMATE_SIZE":
        out.append(op)
        g.add_strings(1)
    elif op == "GET_ESTIMATED_RANGE_SIZE":
        key1 = key2 = b""
        while key1 == key2:
            key1 = g.workspace.pack(g.values.tuple_(1))
            key2 = g.workspace.pack(g.values.tuple_(1))
        out.push(min(key1, key2), max(key1, key2))
        out.append(op)
        g.add_strings(1)
    return False


def e_mutations(g: ApiProgram, op: str) -> bool:
    out, base, database = g.out, _base(op), op.endswith("_DATABASE")
    if base == "SET":
        g.ensure_key_value()
    elif base == "CLEAR" or base == "CLEAR_RANGE_STARTS_WITH":
        g.ensure_key(1)
    elif base == "CLEAR_RANGE":
        key1 = g.workspace.pack(g.values.tuple_(5))
        key2 = g.workspace.pack(g.values.tuple_(5))
        out.push(min(key1, key2), max(key1, key2))
    else:  # ATOMIC_OP: the database variant may be repeated by a retry, so idempotent only
        g.ensure_key_value()
        idempotent = database and not g.concurrent
        out.push(g.rng.choice(IDEMPOTENT_ATOMIC_OPS if idempotent else ATOMIC_OPS))
    out.append(op)
    if database:
        g.add_items(1)
    return False


def e_versionstamp(g: ApiProgram, op: str) -> bool:
    """Three stamped mutations that `validate` later checks agree on one versionstamp."""
    out, values = g.out, g.values
    id_ = values.bytes_(100)
    split = g.rng.randint(0, 70)
    prefix = values.bytes_(20 + split)
    if prefix.endswith(b"\xff"):
        prefix += b"\x00"
    body = prefix + UNSET + values.bytes_(70 - split)
    head = g.vs_keys.key()
    out.push("SET_VERSIONSTAMPED_VALUE", g.vs_values.pack((id_,)), vs_param(UNSET + body))
    out.append("ATOMIC_OP")
    out.push("SET_VERSIONSTAMPED_VALUE", g.vs_values_2.pack((id_,)), vs_param(body, len(prefix)))
    out.append("ATOMIC_OP")
    out.push("SET_VERSIONSTAMPED_KEY", vs_param(head + body, len(head) + len(prefix)), id_)
    out.append("ATOMIC_OP")
    g.can_use_key_selectors = False
    return False


def e_conflicts(g: ApiProgram, op: str) -> bool:
    if op.endswith("_RANGE"):
        g.ensure_key(2)
        g.out.append(op)
        g.add_strings(1)
    elif op.endswith("_KEY"):
        g.ensure_key(1)
        g.out.append(op)
        g.add_strings(1)
    else:
        g.out.append(op)
    return False


FAMILIES: Dict[str, Callable[[ApiProgram, str], bool]] = {}
for _name in ("NEW_TRANSACTION", "ON_ERROR", "COMMIT", "RESET", "CANCEL"):
    FAMILIES[_name] = e_transaction
for _base_name in ("GET", "GET_KEY", "GET_RANGE", "GET_RANGE_STARTS_WITH", "GET_RANGE_SELECTOR"):
    for _suffix in ("", "_SNAPSHOT", "_DATABASE"):
        FAMILIES[_base_name + _suffix] = e_reads
for _name in ("GET_READ_VERSION", "GET_READ_VERSION_SNAPSHOT", "SET_READ_VERSION"):
    FAMILIES[_name] = e_versions
for _name in ("GET_COMMITTED_VERSION", "GET_APPROXIMATE_SIZE", "GET_ESTIMATED_RANGE_SIZE"):
    FAMILIES[_name] = e_versions
for _base_name in ("SET", "CLEAR", "CLEAR_RANGE", "CLEAR_RANGE_STARTS_WITH", "ATOMIC_OP"):
    FAMILIES[_base_name] = FAMILIES[_base_name + "_DATABASE"] = e_mutations
FAMILIES["VERSIONSTAMP"] = e_versionstamp
for _name in ("TUPLE_PACK", "TUPLE_UNPACK", "TUPLE_RANGE", "TUPLE_SORT", "SUB", "ENCODE_FLOAT"):
    FAMILIES[_name] = e_tuples
for _name in ("ENCODE_DOUBLE", "DECODE_FLOAT", "DECODE_DOUBLE", "TUPLE_PACK_WITH_VERSIONSTAMP"):
    FAMILIES[_name] = e_tuples
for _name in ("READ_CONFLICT_RANGE", "READ_CONFLICT_KEY", "WRITE_CONFLICT_RANGE"):
    FAMILIES[_name] = e_conflicts
for _name in ("WRITE_CONFLICT_KEY", "DISABLE_WRITE_CONFLICT"):
    FAMILIES[_name] = e_conflicts


def emit(g: ApiProgram, op: str) -> bool:
    """Append `op`'s instructions to `g`'s program; True when it is a read to wait for."""
    return FAMILIES[op](g, op)
