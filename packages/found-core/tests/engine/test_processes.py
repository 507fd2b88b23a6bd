"""Several processes on one database: no lost update, and kill -9 loses nothing acknowledged."""

from __future__ import annotations

import os
import signal
import struct

from found._embedded.engine import Engine, Mutation

SET = 0
ACCOUNTS, START = 8, 1000


async def test_bank_transfers_from_several_processes(directory, spawn):
    engine = Engine.open(directory)
    try:
        keys = [b"bank/acct/%d" % i for i in range(ACCOUNTS)] + [b"bank/count"]
        mutations = [Mutation(SET, k, b"%d" % START) for k in keys[:-1]]
        mutations.append(Mutation(SET, keys[-1], b"0"))
        await engine.commit(engine.latest_version(), mutations, [], [(b"bank/", b"bank0")])
        processes = [spawn("bank", directory, str(seed), "30", "4") for seed in range(3)]
        outputs = [spawn.finish(p).split() for p in processes]
        done = sum(int(out[0]) for out in outputs)
        latest = engine.latest_version()
        balances = [int(engine.get(k, latest)) for k in keys[:-1]]
        assert sum(balances) == ACCOUNTS * START
        # every transfer incremented the counter exactly once: no update was lost
        assert int(engine.get(keys[-1], latest)) == done == 90
        assert engine.check_consistency() == []
    finally:
        engine.close()


def run_until_killed(directory: str, round_number: int, acks: int, spawn) -> list[int]:
    """Run the crash worker until it acknowledged `acks` commits, then SIGKILL it."""
    process = spawn("crash", directory, str(round_number), "8")
    acknowledged = []
    while len(acknowledged) < acks:
        line = process.stdout.readline()
        assert line, process.stderr.read()
        acknowledged.append(int(line))
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    # Lines the worker printed before it died are acknowledged commits too.
    acknowledged += [int(line) for line in process.stdout.read().split()]
    return acknowledged


def test_kill_during_commits_loses_nothing_acknowledged(directory, spawn):
    total_groups = 0
    for round_number, acks in enumerate((5, 40, 120)):
        acknowledged = run_until_killed(directory, round_number, acks, spawn)
        engine = Engine.open(directory)
        try:
            latest = engine.latest_version()
            prefix = b"crash/%d/" % round_number
            rows = engine.get_range(prefix, prefix + b"\xff", latest, 0, False)
            groups: dict[int, set[bytes]] = {}
            for key, value in rows:
                number, part = key[len(prefix) :].split(b"/")
                groups.setdefault(int(number), set()).add(part)
                assert value == b"x" * 2000
            # every acknowledged commit is there, and no commit is there in part
            assert set(acknowledged) <= set(groups)
            assert all(parts == {b"0", b"1", b"2", b"3"} for parts in groups.values())
            total_groups += len(groups)
            (total,) = struct.unpack("<q", engine.get(b"crash/total", latest))
            assert total == total_groups
            assert engine.check_consistency() == []
        finally:
            engine.close()
