"""`found.open()`: explicit cluster file or directory, `FOUND_DATABASE`, the default choice,
logging, closing and the ResourceWarning for databases left open."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

import found
from found import _open


@pytest.fixture
def no_cluster(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No cluster configured and no FOUND_DATABASE, whatever the machine has."""
    monkeypatch.delenv("FOUND_DATABASE", raising=False)
    monkeypatch.delenv("FDB_CLUSTER_FILE", raising=False)
    monkeypatch.setattr(_open, "DEFAULT_CLUSTER_FILE", str(tmp_path / "no-such-cluster-file"))


async def _roundtrip(db: found.Database) -> bytes | None:
    await found.transactional(db, found.set, b"k", b"v")

    async def read(tx: found.Transaction) -> bytes | None:
        return await found.get(tx, b"k")

    return await found.transactional(db, read)


async def test_open_directory_keyword(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    target = tmp_path / "nested" / "db"
    with caplog.at_level(logging.INFO, logger="found"):
        async with await found.open(directory=target) as db:
            assert db.kind == "embedded"
            assert db.location == str(target)
            assert await _roundtrip(db) == b"v"
    assert db.closed
    assert target.is_dir()
    assert any(
        "embedded" in r.getMessage() and str(target) in r.getMessage() for r in caplog.records
    )
    # The data is durable: a second open sees it.
    async with await found.open(directory=str(target)) as again:
        assert await _roundtrip(again) == b"v"


async def test_found_database_env_embedded(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, no_cluster: None
) -> None:
    monkeypatch.setenv("FOUND_DATABASE", f"embedded:{tmp_path / 'env-db'}")
    async with await found.open() as db:
        assert db.kind == "embedded" and db.location == str(tmp_path / "env-db")


@pytest.mark.parametrize("value", ["embedded:", "sqlite:/tmp/x", "embedded", "cluster/x"])
async def test_found_database_env_rejects_bad_values(
    monkeypatch: pytest.MonkeyPatch, value: str, no_cluster: None
) -> None:
    monkeypatch.setenv("FOUND_DATABASE", value)
    with pytest.raises(ValueError, match="FOUND_DATABASE"):
        await found.open()


async def test_default_is_embedded_in_the_data_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, no_cluster: None
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    async with await found.open() as db:
        assert db.kind == "embedded"
        assert db.location == str(tmp_path / "xdg" / "found")
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert _open.default_directory() == str(tmp_path / "home" / ".local" / "share" / "found")


async def test_cluster_without_libfdb_c_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(_open, "_capi", lambda: None)
    with pytest.raises(found.ApiFunctionMissing, match="libfdb_c"):
        await found.open(str(tmp_path / "fdb.cluster"))
    monkeypatch.setenv("FOUND_DATABASE", "cluster:")
    with pytest.raises(found.ApiFunctionMissing):
        await found.open()
    # Configured but not loadable: the default falls back to the embedded engine.
    monkeypatch.delenv("FOUND_DATABASE")
    monkeypatch.setenv("FDB_CLUSTER_FILE", str(tmp_path / "fdb.cluster"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    async with await found.open() as db:
        assert db.kind == "embedded"


async def test_open_argument_errors(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="either"):
        await found.open(str(tmp_path / "c"), directory=str(tmp_path / "d"))


async def test_close_is_idempotent_and_unclosed_warns(tmp_path: Path) -> None:
    db = await found.open(directory=tmp_path / "db")
    with pytest.warns(ResourceWarning, match="unclosed"):
        db.__del__()
    await db.close()
    await db.close()
    db.__del__()  # closed: no warning (warnings are errors in this suite)
    with pytest.raises(ValueError, match="closed"):
        found.make_transaction(db)


def test_network_calls_without_libfdb_c_are_recorded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_open, "_capi", lambda: None)
    monkeypatch.setattr(_open, "recorded_network_options", [])
    found.network_set_option("trace_enable", "/tmp/traces")
    found.network_set_option(found.FDB_NET_OPTION_TRACE_ROLL_SIZE, 1024)
    found.network_set_option(found.NetworkOption.BUGGIFY_DISABLE)
    assert _open.recorded_network_options == [
        (30, b"/tmp/traces"),
        (31, (1024).to_bytes(8, "little")),
        (49, None),
    ]
    with pytest.raises(found.InvalidOption):
        found.network_set_option(9999)
    assert found.get_client_version() == found.__version__


def test_completion_hooks_run_at_exit_without_libfdb_c(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_open, "_capi", lambda: None)
    monkeypatch.setattr(_open, "_completion_hooks", [])
    calls: list[str] = []
    found.add_network_thread_completion_hook(lambda: calls.append("one"))
    found.add_network_thread_completion_hook(lambda: calls.append("two"))
    _open._run_completion_hooks()
    assert calls == ["one", "two"]
