"""The scripted program: hand-written, with an expected answer for every result.

It covers retryable and fatal `on_error`, read-your-writes and snapshot reads, multi-version
reads at older read versions, read conflicts (1020) and their absence for snapshot reads and
read-only commits, key selectors (every flavour, offsets, clamping to the keyspace and to the
tester's prefix), range reads (limits, reverse, streaming modes, selectors, prefix filtering,
paging over large ranges), versionstamps (one stamp per commit, futures that outlive RESET,
2021 for a read-only commit), the tuple layer, error codes (2000, 1025, 2005, 2102, 2103,
2004, 2210), UNIT_TESTS leaving the stack alone, and two START_THREAD machines meeting at a
WAIT_EMPTY barrier.
"""

from __future__ import annotations

import asyncio
import struct
from typing import TYPE_CHECKING, Dict, List, Tuple

import found

from .script import NOT_PRESENT, RESULTS, Expected, Script, check_results, error
from .scripted_directory import directory_section
from .space import Space

if TYPE_CHECKING:
    from .session import Session

__all__ = ["build", "run_scripted"]

DATA = Space(("scripted",))
UNSET = b"\xff" * 10
MAIN = b"test_spec"
THREADS = (b"thread_spec0", b"thread_spec1")
ITERATOR, WANT_ALL, EXACT = -1, -2, 0
#: The tuple the scripted test packs, and its encoding by the official `fdb.tuple`.
TUPLE = (0, b"foo", -1093, "unicode\u9348test", 0xFFFFFFFF + 100, b"bar\x00\xff")
TUPLE_PACKED = (
    b"\x14\x01foo\x00\x12\xfb\xba\x02unicode\xe9\x8d\x88test\x00\x19\x01\x00\x00\x00c"
    b"\x01bar\x00\xff\xff\x00"
)


def flat(pairs: List[Tuple[bytes, bytes]]) -> bytes:
    return found.pack(tuple(x for pair in pairs for x in pair))


def basics(s: Script) -> None:
    foo = DATA.pack(("foo",))
    s.op("NEW_TRANSACTION").do("ON_ERROR", 1020).result(NOT_PRESENT)
    s.op("GET_READ_VERSION", "POP").do("SET", foo, b"bar").do("GET", foo).result(b"bar")
    s.commit()
    s.do("ON_ERROR", 2000).result(error(2000))
    s.op("NEW_TRANSACTION").do("ON_ERROR", 0).result(error(2000))
    s.op("NEW_TRANSACTION").do("ON_ERROR", 1020).result(NOT_PRESENT)
    s.do("CLEAR", foo).do("GET_SNAPSHOT", foo).result(NOT_PRESENT)
    s.do("GET", foo).result(NOT_PRESENT)
    s.do("GET_DATABASE", foo).op("WAIT_FUTURE").result(b"bar")
    s.op("RESET")


def mvcc(s: Script) -> None:
    foo, other = DATA.pack(("foo",)), DATA.pack(("other",))
    s.op("NEW_TRANSACTION", "GET_READ_VERSION", "POP")  # last_version: foo = bar
    s.set_database(foo, b"baz")
    s.op("NEW_TRANSACTION", "SET_READ_VERSION").do("GET", foo).result(b"bar")
    s.do("SET", other, b"x").commit(error(1020))
    s.op("NEW_TRANSACTION", "SET_READ_VERSION").do("GET_SNAPSHOT", foo).result(b"bar")
    s.do("SET", other, b"y").op("COMMIT", "WAIT_FUTURE").result(NOT_PRESENT)
    s.op("GET_COMMITTED_VERSION").result(b"GOT_COMMITTED_VERSION").op("RESET")
    s.set_database(foo, b"qux")
    s.op("NEW_TRANSACTION", "SET_READ_VERSION").do("GET", foo).result(b"baz")
    s.do("GET", other).result(b"y").commit()  # read-only: never conflicts
    s.op("NEW_TRANSACTION").do("GET", foo).result(b"qux").op("RESET")
    s.op("NEW_TRANSACTION").do("GET", foo).result(b"qux")
    s.do("READ_CONFLICT_KEY", other).result(b"SET_CONFLICT_KEY")
    s.set_database(other, b"z")
    s.do("SET", foo, b"w").commit(error(1020))
    s.op("NEW_TRANSACTION").do("READ_CONFLICT_RANGE", other, foo).result(error(2005))


def selectors(s: Script) -> List[Tuple[bytes, bytes]]:
    keys = [DATA.pack(("k", i)) for i in range(10)]
    pairs = [(k, b"v%d" % i) for i, k in enumerate(keys)]
    s.op("NEW_TRANSACTION")
    for k, v in pairs:
        s.do("SET", k, v)
    s.commit()
    prefix = DATA.pack(("k",))
    end = found.next_prefix(prefix)
    for (key, or_equal, offset), want in [
        ((keys[3], 0, 1), keys[3]),
        ((keys[3], 1, 1), keys[4]),
        ((keys[3], 0, 0), keys[2]),
        ((keys[3], 1, 0), keys[3]),
        ((keys[3], 0, 3), keys[5]),
        ((keys[3], 0, -2), keys[0]),
        ((keys[0], 0, -5), prefix),
        ((keys[9], 1, 5), end),
    ]:
        s.do("GET_KEY", key, or_equal, offset, prefix).result(want)
        s.do("GET_KEY_SNAPSHOT", key, or_equal, offset, prefix).result(want)
        s.do("GET_KEY_DATABASE", key, or_equal, offset, prefix).result(want)
    s.do("GET_KEY", b"", 0, -1, b"").result(b"")
    s.do("GET_KEY", b"\xff", 1, 5, b"").result(b"\xff")
    return pairs


def ranges(s: Script, pairs: List[Tuple[bytes, bytes]]) -> None:
    keys = [k for k, _ in pairs]
    prefix = DATA.pack(("k",))
    for variant in ("", "_SNAPSHOT", "_DATABASE"):
        get_range = "GET_RANGE" + variant
        s.do(get_range, keys[0], keys[9], 0, 0, WANT_ALL).result(flat(pairs[:9]))
        s.do(get_range, keys[0], keys[9], 3, 0, ITERATOR).result(flat(pairs[:3]))
        s.do(get_range, keys[0], keys[9], 2, 1, EXACT).result(flat(pairs[8:6:-1]))
        s.do(get_range, keys[5], keys[2], 0, 0, WANT_ALL).result(flat([]))
        s.do(get_range, keys[0], keys[9], 0, 0, EXACT).result(error(2210))
        starts = "GET_RANGE_STARTS_WITH" + variant
        s.do(starts, prefix, 0, 1, ITERATOR).result(flat(pairs[::-1]))
        s.do(starts, prefix, 4, 0, 2).result(flat(pairs[:4]))
        sel = "GET_RANGE_SELECTOR" + variant
        s.do(sel, keys[2], 1, 1, keys[6], 0, 2, 0, 0, WANT_ALL, prefix).result(flat(pairs[3:7]))
        s.do(sel, keys[2], 1, 1, keys[6], 0, 2, 2, 1, ITERATOR, prefix).result(flat(pairs[6:4:-1]))
        s.do(sel, keys[0], 0, -3, keys[9], 1, 4, 0, 0, WANT_ALL, prefix).result(flat(pairs))


def paging(s: Script) -> None:
    """About 150 pairs of 256-byte keys and 1000 pairs of short keys, read back whole in
    iterator mode (many pages) forwards and backwards, and by selector."""
    for name, count, width, size in (("big", 150, 256, 100), ("small", 1000, 1, 4)):
        space = DATA[name]
        pairs = []
        for i in range(count):
            key = space.pack((bytes([i % 251]) * width, i))
            pairs.append((key, struct.pack("<I", i) * (size // 4)))
        pairs.sort()
        for first in range(0, count, 250):
            s.op("NEW_TRANSACTION")
            for key, value in pairs[first : first + 250]:
                s.do("SET", key, value)
            s.commit()
        s.op("NEW_TRANSACTION")
        s.do("GET_RANGE_STARTS_WITH", space.key(), 0, 0, ITERATOR).result(flat(pairs))
        s.do("GET_RANGE", pairs[0][0], pairs[-1][0], 0, 1, ITERATOR).result(flat(pairs[-2::-1]))
        top = found.next_prefix(space.key())
        s.do("GET_RANGE_SELECTOR", pairs[0][0], 1, 1, top, 0, 1, 0, 0, ITERATOR, space.key())
        s.result(flat(pairs[1:]))
        s.do("GET_RANGE_STARTS_WITH_DATABASE", space.key(), count - 7, 1, 1).result(
            flat(pairs[:6:-1])
        )
        s.op("RESET")


def versionstamps(s: Script) -> None:
    """Three stamped mutations in one commit agree; the stamp future outlives RESET; a
    read-only commit fails its stamp future with 2021."""
    stamped = DATA.pack(("stamped",))
    suffix = b"suffix"
    value_key, value_key_2 = DATA.pack(("stampedValue",)), DATA.pack(("stampedValue2",))
    s.op("NEW_TRANSACTION")
    key_param = stamped + UNSET + suffix + struct.pack("<I", len(stamped))
    s.do("ATOMIC_OP", "SET_VERSIONSTAMPED_KEY", key_param, b"stampedBar")
    s.do("ATOMIC_OP", "SET_VERSIONSTAMPED_VALUE", value_key, UNSET + struct.pack("<I", 0))
    body = stamped + UNSET + suffix + struct.pack("<I", len(stamped))
    s.do("ATOMIC_OP", "SET_VERSIONSTAMPED_VALUE", value_key_2, body)
    s.op("GET_VERSIONSTAMP")
    s.commit()
    # The stamp future (pushed before the commit) resolves after RESET: build the key.
    s.do("CONCAT", stamped).push(1, suffix).op("SWAP", "CONCAT")
    s.op("GET_DATABASE").result(b"stampedBar")
    s.do("GET_DATABASE", value_key).do("CONCAT", stamped).push(1, suffix).op("SWAP", "CONCAT")
    s.op("GET_DATABASE").result(b"stampedBar")
    s.do("GET_DATABASE", value_key_2).op("GET_DATABASE").result(b"stampedBar")
    s.op("NEW_TRANSACTION").do("GET", value_key).op("POP", "GET_VERSIONSTAMP")
    s.commit()
    s.op("WAIT_FUTURE").result(error(2021))


def tuples_and_errors(s: Script) -> None:
    s.do("TUPLE_PACK", len(TUPLE), *TUPLE).result(TUPLE_PACKED)
    s.do("TUPLE_UNPACK", TUPLE_PACKED)
    for item in reversed(TUPLE):
        s.result(found.pack((item,)))
    s.do("SUB", 2**200, -3).result(2**200 + 3, packed=True)
    s.do("SUB", -(2**70), 2**70).result(-(2**71), packed=True)
    span = found.range((b"a", 1))
    s.do("TUPLE_RANGE", 2, b"a", 1).result(span.stop).result(span.start)
    s.op("NEW_TRANSACTION", "CANCEL").do("GET", b"x").result(error(1025))
    s.op("RESET").do("GET", DATA.pack(("absent",))).result(NOT_PRESENT)
    s.do("SET", b"k" * 10_001, b"v").commit(error(2102))
    # 100,001 bytes do not fit in one PUSH (a value too): build the value with CONCAT.
    s.do("CONCAT", b"v" * 50_000, b"v" * 50_001).do("SET", DATA.pack(("big",))).commit(error(2103))
    s.do("SET", b"\xff/not-allowed", b"v").commit(error(2004))
    s.push("sentinel").op("UNIT_TESTS").result("sentinel", packed=True)


def threads(s: Script, expected: Dict[bytes, Expected]) -> Dict[bytes, Script]:
    """Two machines each write foo1, clear their wait key and wait for both keys to go;
    then foo1 holds one of the two writes."""
    foo1, wait = DATA.pack(("foo1",)), DATA["wait"]
    for i, _ in enumerate(THREADS):
        s.set_database(wait.pack((i,)), b"")
    programs = {}
    allowed = frozenset(b"bar" + name for name in THREADS)
    for i, name in enumerate(THREADS):
        t = Script(expected, RESULTS[name])
        t.op("NEW_TRANSACTION").do("SET", foo1, b"bar" + name).commit()
        t.do("CLEAR_DATABASE", wait.pack((i,))).op("WAIT_FUTURE", "POP")
        t.do("WAIT_EMPTY", wait.key()).result(b"WAITED_FOR_EMPTY")
        t.op("NEW_TRANSACTION").do("GET", foo1).result(allowed)
        programs[name] = t
        s.do("START_THREAD", name)
    return programs


def build() -> Tuple[Dict[bytes, List[tuple]], Dict[bytes, Expected]]:
    """The programs (main first, then the threads) and every expected result."""
    expected: Dict[bytes, Expected] = {}
    s = Script(expected)
    basics(s)
    mvcc(s)
    pairs = selectors(s)
    ranges(s, pairs)
    paging(s)
    versionstamps(s)
    tuples_and_errors(s)
    directory_section(s, DATA)
    children = threads(s, expected)
    programs = {MAIN: list(s.out)}
    programs.update({name: list(t.out) for name, t in children.items()})
    return programs, expected


async def run_scripted(session: Session) -> None:
    """Run the scripted program on every tester of `session`; record problems there."""
    programs, expected = build()
    outcomes = await asyncio.gather(
        *(
            session.run_guarded(spec, "scripted", programs, [("results", RESULTS)], None)
            for spec in session.testers
        )
    )
    for spec, outcome in zip(session.testers, outcomes):
        problems = session.check_outcome(outcome)
        if "results" in outcome.spaces:
            problems += check_results(expected, outcome.spaces["results"])
        status = "ok" if not problems else f"FAILED ({len(problems)} problems)"
        session.echo(f"scripted on {spec.name}: {len(expected)} results: {status}")
        session.record(f"scripted {spec.name}", problems)
