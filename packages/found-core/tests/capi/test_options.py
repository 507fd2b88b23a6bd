"""Options by code on network, database and transaction; the network completion hook."""

from __future__ import annotations

import struct

import pytest

from found import FoundException
from found._capi import network_set_option

TIMEOUT = 500
RETRY_LIMIT = 501
SIZE_LIMIT = 503
DB_TRANSACTION_SIZE_LIMIT = 503


def int64(value: int) -> bytes:
    return struct.pack("<q", value)


async def test_unknown_transaction_option_fails_at_once(backend) -> None:
    tr = backend.create_transaction()
    with pytest.raises(FoundException) as caught:
        tr.set_option(9999, None)
    assert caught.value.code == 2007
    tr.destroy()


async def test_transaction_option_by_code_takes_effect(backend) -> None:
    tr = backend.create_transaction()
    tr.set_option(SIZE_LIMIT, int64(32))
    tr.set(b"a" * 40, b"b" * 40)
    with pytest.raises(FoundException) as caught:
        await tr.commit()
    assert caught.value.code == 2101
    tr.destroy()


async def test_bad_option_value_is_deferred_to_the_next_future(backend) -> None:
    tr = backend.create_transaction()
    tr.set_option(TIMEOUT, b"\x01")  # not an 8-byte integer: deferred 2006
    with pytest.raises(FoundException) as caught:
        await tr.get(b"k", False)
    assert caught.value.code == 2006
    tr.destroy()


async def test_retry_limit_by_code(backend) -> None:
    tr = backend.create_transaction()
    tr.set_option(RETRY_LIMIT, int64(0))
    with pytest.raises(FoundException) as caught:
        await tr.on_error(1020)
    assert caught.value.code == 1020
    tr.destroy()


async def test_database_option_by_code(backend) -> None:
    backend.set_option(DB_TRANSACTION_SIZE_LIMIT, int64(32))
    tr = backend.create_transaction()
    tr.set(b"x" * 40, b"y" * 40)
    with pytest.raises(FoundException) as caught:
        await tr.commit()
    assert caught.value.code == 2101
    tr.destroy()
    with pytest.raises(FoundException) as unknown:
        backend.set_option(4242, None)
    assert unknown.value.code == 2007


async def test_network_option_by_code(shim_path: str) -> None:
    with pytest.raises(FoundException) as caught:
        network_set_option(4242, None)
    assert caught.value.code == 2007
    with pytest.raises(TypeError):
        network_set_option(30, "not bytes")  # type: ignore[arg-type]


HOOK_PROGRAM = """
import asyncio, sys
import found._capi as capi
from bindingtester.shim import cluster_file_for

def hook():
    print("hook ran on", __import__("threading").current_thread().name, flush=True)

capi.add_network_thread_completion_hook(hook)

async def main():
    db = await capi.open_database(cluster_file_for(sys.argv[1] if len(sys.argv) > 1 else {d!r}))
    tr = db.create_transaction()
    tr.set(b"k", b"v")
    await tr.commit()
    tr.destroy()
    await db.close()
    try:
        capi.add_network_thread_completion_hook(hook)
    except Exception as exc:
        print("late hook refused", exc.code)

asyncio.run(main())
print("main done", flush=True)
"""


async def test_completion_hook_runs_on_the_network_thread_at_exit(
    run_python, shim_path: str, tmp_path
) -> None:
    done = run_python(HOOK_PROGRAM.format(d=str(tmp_path / "db")), {"FOUND_LIBFDB_C": shim_path})
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines == ["late hook refused 2009", "main done", "hook ran on fdb-network"]
