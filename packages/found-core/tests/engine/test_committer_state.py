"""The committer remembers what it stored (newest version, log floor, next history id,
commit count of clears) between batches, and must notice every commit made through another
connection: two engines on one directory take turns and each must build on the other's
commits (strictly growing versions, conflicts across engines, exact reads, consistency)."""

from __future__ import annotations

from found._embedded.engine import Engine, Mutation
from found._errors import FoundException

SET, CLEAR_RANGE = 0, 1


def point(key: bytes) -> tuple[bytes, bytes]:
    return (key, key + b"\x00")


async def test_two_engines_take_turns(directory, clock, put):
    first = Engine.open(directory, clock=clock, poll_interval=0.005)
    second = Engine.open(directory, clock=clock, poll_interval=0.005)
    try:
        versions = []
        expected: dict[bytes, bytes] = {}
        for step in range(40):
            engine = (first, second)[step % 3 % 2]  # runs of two commits, then a switch
            clock.advance(0.3)  # 12 s in all: the collector runs and moves the log floor
            pairs = {b"k/%d" % (step % 7): b"%d" % step, b"s/%d" % step: b"x"}
            if step % 5 == 4:  # a clear: the count of clearing commits grows
                await engine.commit(
                    engine.latest_version(),
                    [Mutation(CLEAR_RANGE, b"s/", b"s0")],
                    [],
                    [(b"s/", b"s0")],
                )
                expected = {k: v for k, v in expected.items() if not k.startswith(b"s/")}
            versions.append(await put(engine, pairs))
            expected.update(pairs)
            for reader in (first, second):
                latest = reader.latest_version()
                assert latest == versions[-1]
                got = reader.get_range(b"", b"\xff", latest, 0, False)
                assert got == sorted(expected.items())
        assert versions == sorted(set(versions))
        # a read in one engine conflicts with a write committed through the other
        read_version = first.latest_version()
        await put(second, {b"k/1": b"new"})
        clock.advance(0.01)  # a fresh version: no clash with the other engine's to give it away
        try:
            await put(first, {b"k/2": b"y"}, read_version=read_version, reads=[point(b"k/1")])
        except FoundException as exc:
            assert exc.code == 1020
        else:
            raise AssertionError("the other engine's write did not conflict")
        # a blind write from a read version older than the other engine's newest commit: the
        # committer learns of that commit only when it writes its log row
        old = first.latest_version()
        newer = await put(second, {b"k/3": b"second"})
        clock.advance(0.01)
        mine = await put(first, {b"k/4": b"first"}, read_version=old)
        assert mine > newer
        latest = second.latest_version()
        assert second.get_range(b"k/3", b"k/5", latest, 0, False) == [
            (b"k/3", b"second"),
            (b"k/4", b"first"),
        ]
        assert first.check_consistency() == []
    finally:
        first.close()
        second.close()
