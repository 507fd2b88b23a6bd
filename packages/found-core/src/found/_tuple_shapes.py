"""Fast decoding of packed tuples by learned key shapes (used by `found._tuple.unpack`).

Keys of one subspace nearly always share a *shape*: the same sequence of type codes, with
strings of any length. Decoding them element by element spends most of its time in the
interpreter's dispatch, so this module learns shapes instead: a key that the general decoder
has decoded is tokenized into a regular expression for its shape (`\\x02([^\\x00]*)\\x00`
for a string, `\\x17(...)` for a 3-byte integer, ...) and Python code that builds the tuple
from the captured groups. The shapes that start with the same type code are written as one
regex over their trie, so a single `fullmatch` in C both recognises a key's shape and slices
out its payloads; one generated function per type code runs it and builds the tuple, telling
its shapes apart by a binary search on `lastindex`. `unpack` picks that function by the key's
first byte: a regex costs a little for every group it holds, so keeping one per code keeps
each small. UUIDs and doubles are built inline (a call costs as much as building one).
Decoded values are never cached.

Each shape pattern accepts exactly the bytes the general decoder reads the same way (a
string ends at the first 0x00 not followed by 0xff, fixed-size payloads have their exact
length), so a match always decodes identically. Anything unusual (invalid UTF-8, a key no
shape matches) goes to the general decoder, which also produces the errors.

Which shapes to learn, and when to forget them, is `found._tuple_table`'s job.
"""

from __future__ import annotations

import re
import struct
import sys
from typing import Any, Callable, Dict, List, Optional, Tuple
from uuid import UUID, SafeUUID

from ._versionstamp import _make_stamp, _single_from_bits

MAX_ELEMENTS = 24

_F64 = struct.Struct(">d")
_U64 = struct.Struct(">Q")
_MASK64 = (1 << 64) - 1
_SIGN64 = 1 << 63
_FIXED = {0x20: (4, "_single"), 0x21: (8, "_double"), 0x30: (16, "_uuid"), 0x33: (12, "_stamp")}
_ESCAPED = b"\x00\xff"

_SAFE_UNKNOWN = SafeUUID.unknown
_UUID_SLOTS = {"int", "is_safe"} <= set(getattr(UUID, "__slots__", ()))
_new_object = object.__new__
# The slot descriptors' own setters skip the attribute lookup object.__setattr__ does.
_set_int: Callable[[UUID, Any], None] = (
    UUID.__dict__["int"].__set__
    if _UUID_SLOTS
    else lambda uuid, value: object.__setattr__(uuid, "int", value)
)
_set_safe: Callable[[UUID, Any], None] = (
    UUID.__dict__["is_safe"].__set__
    if _UUID_SLOTS
    else lambda uuid, value: object.__setattr__(uuid, "is_safe", value)
)


def new_uuid(number: int) -> UUID:
    """What UUID(int=number) does, minus argument checks a 16-byte number always passes."""
    if not _UUID_SLOTS:
        return UUID(int=number)
    value = _new_object(UUID)
    _set_int(value, number)
    _set_safe(value, _SAFE_UNKNOWN)
    return value


def _uuid(raw: bytes) -> UUID:
    if not _UUID_SLOTS:
        return UUID(bytes=raw)
    value = _new_object(UUID)
    _set_int(value, int.from_bytes(raw, "big"))
    _set_safe(value, _SAFE_UNKNOWN)
    return value


# A double's encoding is its IEEE bits with the sign bit flipped (positive numbers) or every
# bit flipped (negative ones): undone on the bytes, with a table for the first byte.
_FLIP_HIGH = tuple(bytes((n ^ 0x80,)) for n in range(256))
_FLIP_ALL = bytes(255 - n for n in range(256))
_unpack_double = _F64.unpack


def _double(raw: bytes) -> float:
    if raw[0] & 0x80:
        return _unpack_double(_FLIP_HIGH[raw[0]] + raw[1:])[0]
    return _unpack_double(raw.translate(_FLIP_ALL))[0]


def _single(raw: bytes) -> Any:
    bits = int.from_bytes(raw, "big")
    return _single_from_bits(bits ^ 0x80000000 if bits & 0x80000000 else bits ^ 0xFFFFFFFF)


def _stamp(raw: bytes) -> Any:
    tr_version, user_version = raw[:10], int.from_bytes(raw[10:], "big")
    return _make_stamp(None if tr_version == b"\xff" * 10 else tr_version, user_version)


_NAMESPACE: Dict[str, Any] = {
    "_from": int.from_bytes,
    "_uuid": _uuid,
    "_double": _double,
    "_single": _single,
    "_stamp": _stamp,
    "_new": _new_object,
    "_UUID": UUID,
    "_set_int": _set_int,
    "_set_safe": _set_safe,
    "_SAFE": _SAFE_UNKNOWN,
    "_unpack_double": _unpack_double,
    "_FLIP_HIGH": _FLIP_HIGH,
    "_FLIP_ALL": _FLIP_ALL,
}

# A shape: the regex piece of each element (at most one capturing group each), the number of
# groups, the expression that builds the tuple from locals g0, g1, ... holding them.
# UUIDs and doubles are built by statements before the expression (a call per value costs
# as much as building it), in locals u0, d3, ... named by kind and group number, listed last.
Shape = Tuple[Tuple[str, ...], int, str, Tuple[Tuple[str, int], ...]]


# Possessive repeats (Python 3.11+) keep no backtracking state: faster, and matching the same,
# since a string's body can only be given back at an escaped NUL, after which nothing could
# match (see `_string`).
_MANY = "*+" if sys.version_info >= (3, 11) else "*"
_BIG = "" if sys.version_info >= (3, 11) else ", 'big'"  # int.from_bytes's default since 3.11


def _string(escaped: bool) -> str:
    chars = r"[^\x00]" + _MANY
    body = chars + r"(?:\x00\xff" + chars + ")" + _MANY if escaped else chars
    # The terminator needs no look-ahead for 0xff: no element, closing 0x00 or nested None
    # starts with 0xff, so a match ending a string at an escaped NUL cannot continue.
    return "(" + body + r")\x00"


def shape_of(key: bytes, pos: int) -> Optional[Shape]:
    """The shape of `key` after `pos`, which the general decoder has just read without error;
    None when it has no element (`unpack` needs no regex for that) or more than
    `MAX_ELEMENTS` (nested tuples' ends included)."""
    pattern: List[str] = []
    stack: List[List[str]] = [[]]
    groups = 0
    built: List[Tuple[str, int]] = []
    end = len(key)
    elements = 0
    while pos < end:
        elements += 1
        if elements > MAX_ELEMENTS:
            return None
        code = key[pos]
        items = stack[-1]
        group = f"g{groups}"
        if code == 0x01 or code == 0x02:
            stop = pos + 1
            while True:
                stop = key.find(b"\x00", stop)
                if stop + 1 < end and key[stop + 1] == 0xFF:
                    stop += 2
                    continue
                break
            escaped = _ESCAPED in key[pos + 1 : stop + 1]
            pattern.append(f"\\x{code:02x}" + _string(escaped))
            value = f"{group}.replace(b'\\x00\\xff', b'\\x00')" if escaped else group
            items.append(value + ".decode()" if code == 0x02 else value)
            groups += 1
            pos = stop + 1
        elif 0x0C <= code <= 0x1C:
            size = abs(code - 0x14)
            pos += 1 + size
            if size == 0:
                pattern.append(r"\x14")
                items.append("0")
                continue
            pattern.append(f"\\x{code:02x}(.{{{size}}})")
            number = f"{group}[0]" if size == 1 else f"_from({group}{_BIG})"
            items.append(number if code > 0x14 else f"{number} - {(1 << (8 * size)) - 1}")
            groups += 1
        elif code == 0x1D or code == 0x0B:
            size = key[pos + 1] if code == 0x1D else key[pos + 1] ^ 0xFF
            pattern.append(f"\\x{code:02x}\\x{key[pos + 1]:02x}(.{{{size}}})")
            number = f"_from({group}{_BIG})"
            items.append(number if code == 0x1D else f"{number} - {(1 << (8 * size)) - 1}")
            groups += 1
            pos += 2 + size
        elif code == 0x05:
            pattern.append(r"\x05")
            stack.append([])
            pos += 1
        elif code == 0x00 and len(stack) > 1 and pos + 1 < end and key[pos + 1] == 0xFF:
            pattern.append(r"\x00\xff")
            items.append("None")
            pos += 2
        elif code == 0x00 and len(stack) > 1:
            pattern.append(r"\x00")
            inner = stack.pop()
            stack[-1].append(_tuple_expr(inner))
            pos += 1
        elif code == 0x00:
            pattern.append(r"\x00")
            items.append("None")
            pos += 1
        elif code == 0x26 or code == 0x27:
            pattern.append(f"\\x{code:02x}")
            items.append(str(code == 0x27))
            pos += 1
        else:
            size, maker = _FIXED[code]
            pattern.append(f"\\x{code:02x}(.{{{size}}})")
            if (code == 0x30 and _UUID_SLOTS) or code == 0x21:
                kind = "u" if code == 0x30 else "d"
                built.append((kind, groups))
                items.append(f"{kind}{groups}")
            else:
                items.append(f"{maker}({group})")
            groups += 1
            pos += 1 + size
    if not pattern:
        return None
    return tuple(pattern), groups, _tuple_expr(stack[0]), tuple(built)


def _tuple_expr(items: List[str]) -> str:
    if len(items) == 1:
        return f"({items[0]},)"
    return "(" + ", ".join(items) + ")"


def _statements(shape: Shape, indices: List[int]) -> List[str]:
    """Lines that build the tuple from the match `m` whose shape groups are `indices`."""
    # One subscript per group: m.group(i, j, ...) parses its arguments and costs more.
    lines = [f"g{number} = m[{index}]" for number, index in enumerate(indices)]
    for kind, number in shape[3]:
        if kind == "u":  # new_uuid(), inlined
            lines.append(f"u{number} = _new(_UUID)")
            lines.append(f"_set_int(u{number}, _from(g{number}{_BIG}))")
            lines.append(f"_set_safe(u{number}, _SAFE)")
        else:  # _double(), inlined
            lines.append(f"if g{number}[0] & 0x80:")
            lines.append(
                f"    d{number} = _unpack_double(_FLIP_HIGH[g{number}[0]] + g{number}[1:])[0]"
            )
            lines.append("else:")
            lines.append(f"    d{number} = _unpack_double(g{number}.translate(_FLIP_ALL))[0]")
    lines.append(f"return {shape[2]}")
    return lines


def _tree(leaves: List[Tuple[int, Shape, List[int]]], indent: str) -> List[str]:
    """Lines that tell the shapes apart by `lastindex` (in `i`) with a binary search over
    their leaf groups, then build the tuple: a few comparisons, no call."""
    if len(leaves) == 1:
        return [indent + line for line in _statements(*leaves[0][1:])]
    middle = len(leaves) // 2
    lines = [f"{indent}if i < {leaves[middle][0]}:"]
    lines += _tree(leaves[:middle], indent + "    ")
    return lines + _tree(leaves[middle:], indent)


def _decoder(
    fullmatch: Callable[..., Any],
    leaves: List[Tuple[int, Shape, List[int]]],
    tick: Optional[Callable[[], None]],
) -> Decoder:
    """The function that matches a key from `pos` and builds its tuple, or returns None; it
    calls `tick` on each match when given (the table counting its hits)."""
    namespace = dict(_NAMESPACE, _fullmatch=fullmatch, _tick=tick)
    lines = ["m = _fullmatch(key, pos)", "if m is None:", "    return None"]
    if tick is not None:
        lines.append("_tick()")
    if len(leaves) > 1:
        lines.append("i = m.lastindex")
    lines += _tree(sorted(leaves, key=lambda leaf: leaf[0]), "")
    body = "".join(f"    {line}\n" for line in lines)
    exec(f"def decode(key, pos):\n{body}", namespace)  # from shape tokens, never key text
    return namespace["decode"]


# Per first type code (the key's byte at the tuple's start), a function decoding the keys of
# the shapes starting with it (or None): a regex pays for every group it has, so one per code
# keeps each small however many shapes of other codes there are.
Decoder = Callable[[bytes, int], Optional[Tuple[Any, ...]]]
Dispatch = Tuple[Optional[Decoder], ...]
EMPTY_DISPATCH: Dispatch = (None,) * 256


class _Builder:
    """Writes shapes as one regex over their trie: shapes share the pieces of their common
    prefix, and every branch starts with a literal type code, which the regex engine tests
    before entering the branch, so a key costs about one pass whatever the number of shapes.
    With several shapes, each ends in an empty group; being the last group closed, it is
    `lastindex` and tells which shape matched."""

    def __init__(self, shapes: List[Shape]) -> None:
        self.shapes = shapes
        self.groups = 0
        self.leaves: List[Tuple[int, Shape, List[int]]] = []

    def emit(self, node: Dict[Any, Any], indices: List[int]) -> str:
        options = []
        for piece, child in node.items():
            if piece is None:
                continue
            first = self.groups + 1
            count = piece.count("(") - piece.count("(?")
            self.groups += count
            options.append(piece + self.emit(child, indices + list(range(first, first + count))))
        if None in node:
            shape = self.shapes[node[None]]
            if len(self.shapes) == 1:
                self.leaves.append((0, shape, indices))
                return ""
            self.groups += 1
            self.leaves.append((self.groups, shape, indices))
            options.append("()")
        return options[0] if len(options) == 1 else "(?:" + "|".join(options) + ")"


def _first_code(shape: Shape) -> int:
    return int(shape[0][0][2:4], 16)  # every piece starts with its type code, as \\xNN


def build(shapes: List[Shape], tick: Callable[[], None]) -> Tuple[Dispatch, Dispatch]:
    """The dispatch for `shapes` (at least one element each), and the same with decoders
    that call `tick` on each match."""
    by_code: Dict[int, List[Shape]] = {}
    for shape in shapes:
        by_code.setdefault(_first_code(shape), []).append(shape)
    if len(_MADE) > 2 * len(by_code) + 64:
        _MADE.clear()
    plain, counting = list(EMPTY_DISPATCH), list(EMPTY_DISPATCH)
    for code, group in by_code.items():
        made = (tick, *(shape[0] for shape in group))
        if made not in _MADE:  # a rebuild would otherwise compile every other code again
            root: Dict[Any, Any] = {}
            for number, shape in enumerate(group):
                node = root
                for piece in shape[0]:
                    node = node.setdefault(piece, {})
                node[None] = number
            builder = _Builder(group)
            regex = re.compile(builder.emit(root, []).encode("ascii"), re.DOTALL)
            _MADE[made] = (
                _decoder(regex.fullmatch, builder.leaves, None),
                _decoder(regex.fullmatch, builder.leaves, tick),
            )
        plain[code], counting[code] = _MADE[made]
    return tuple(plain), tuple(counting)


_MADE: Dict[Tuple[Any, ...], Tuple[Decoder, Decoder]] = {}
