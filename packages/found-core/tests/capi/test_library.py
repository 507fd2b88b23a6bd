"""Loading libfdb_c: a clear error when it is missing, version facts when it is there."""

from __future__ import annotations

import ctypes.util

PROBE = """
import asyncio, found._capi as capi
print("available", capi.library_available())
try:
    asyncio.run(capi.open_database(None))
except capi.LibraryUnavailableError as exc:
    print("error", exc)
"""


def test_missing_library_is_a_clear_error(run_python) -> None:
    done = run_python(PROBE, {"FOUND_LIBFDB_C": "/nonexistent/libfdb_c.so"})
    assert done.returncode == 0, done.stderr
    assert "available False" in done.stdout
    assert "/nonexistent/libfdb_c.so" in done.stdout
    assert "Install the FoundationDB 7.3 client" in done.stdout
    assert "found.open(directory=...)" in done.stdout


def test_a_library_that_is_not_libfdb_c_is_refused(run_python) -> None:
    libm = ctypes.util.find_library("m")
    done = run_python(PROBE, {"FOUND_LIBFDB_C": libm})
    assert done.returncode == 0, done.stderr
    assert "available False" in done.stdout
    assert "is not libfdb_c" in done.stdout


def test_the_error_is_an_oserror_and_a_found_exception() -> None:
    from found import BaseFoundException
    from found._capi import LibraryUnavailableError

    assert issubclass(LibraryUnavailableError, OSError)
    assert issubclass(LibraryUnavailableError, BaseFoundException)


async def test_client_version_and_availability(shim_path: str) -> None:
    import found._capi as capi

    assert capi.library_available()
    assert capi.get_client_version().startswith("7.3")


async def test_default_library_name_follows_the_platform(monkeypatch) -> None:
    from found._capi import library

    monkeypatch.delenv(library.ENV_VAR, raising=False)
    assert library.library_path() in {"libfdb_c.so", "libfdb_c.dylib", "fdb_c.dll"}
    monkeypatch.setenv(library.ENV_VAR, "/opt/x/libfdb_c.so")
    assert library.library_path() == "/opt/x/libfdb_c.so"
