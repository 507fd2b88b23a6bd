"""FoundationDB errors, raised identically by every backend.

Every failure that FoundationDB reports with an error code becomes a `FoundationDBError` (the
0.13 name `FoundException` is the same class) carrying that code and FoundationDB's message.
Each code of the 7.3 client table has a generated subclass with a stable CamelCase name
(`NotCommitted` for 1020, `TransactionTooOld` for 1007, ...), so callers can catch one condition
without comparing numbers; `error(code)` builds the right subclass.
"""

from __future__ import annotations

from typing import Any

_TABLE = """
1 end_of_stream|End of stream
1000 operation_failed|Operation failed
1004 timed_out|Operation timed out
1007 transaction_too_old|Transaction is too old to perform reads or be committed
1009 future_version|Request for future version
1020 not_committed|Transaction not committed due to conflict with another transaction
1021 commit_unknown_result|Transaction may or may not have committed
1022 commit_unknown_result_fatal|Idempotency id for transaction may have expired, so the commit \
status of the transaction cannot be determined
1025 transaction_cancelled|Operation aborted because the transaction was cancelled
1026 connection_failed|Network connection failed
1029 watch_cancelled|Watch cancelled because storage server watch limit exceeded
1031 transaction_timed_out|Operation aborted because the transaction timed out
1032 too_many_watches|Too many watches currently set
1033 locality_information_unavailable|Locality information not available
1034 watches_disabled|Watches cannot be set if read your writes is disabled
1036 accessed_unreadable|Read or wrote an unreadable key
1037 process_behind|Storage process does not have recent mutations
1038 database_locked|Database is locked
1039 cluster_version_changed|The protocol version of the cluster has changed
1040 external_client_already_loaded|External client has already been loaded
1041 lookup_failed|DNS lookup failed
1042 commit_proxy_memory_limit_exceeded|CommitProxy commit memory limit exceeded
1043 shutdown_in_progress|Operation no longer supported due to shutdown
1051 batch_transaction_throttled|Batch GRV request rate limit exceeded
1078 grv_proxy_memory_limit_exceeded|GetReadVersion proxy memory limit exceeded
1079 blob_granule_request_failed|BlobGranule request failed
1100 broken_promise|Broken promise
1101 operation_cancelled|Asynchronous operation cancelled
1102 future_released|Future has been released
1211 server_overloaded|Server is under too much load and cannot respond
1213 tag_throttled|Transaction tag is being throttled
1223 proxy_tag_throttled|Exceeded maximum proxy tag throttling duration
1500 platform_error|Platform error
1510 io_error|Disk i/o operation failed
1511 file_not_found|File not found
1513 file_not_readable|File could not be read
1514 file_not_writable|File could not be written
1515 no_cluster_file_found|No cluster file found in current directory or default location
1522 file_corrupt|A structurally corrupt data file was detected
1529 lock_file_failure|Unable to lock the file
2000 client_invalid_operation|Invalid API call
2002 commit_read_incomplete|Commit with incomplete read
2004 key_outside_legal_range|Key outside legal range
2005 inverted_range|Range begin key larger than end key
2006 invalid_option_value|Option set with an invalid value
2007 invalid_option|Option not valid in this context
2008 network_not_setup|Action not possible before the network is configured
2009 network_already_setup|Network can be configured only once
2010 read_version_already_set|Transaction already has a read version set
2011 version_invalid|Version not valid
2012 range_limits_invalid|Range limits not valid
2013 invalid_database_name|Database name must be 'DB'
2014 attribute_not_found|Attribute not found
2015 future_not_set|Future not ready
2016 future_not_error|Future not an error
2017 used_during_commit|Operation issued while a commit was outstanding
2018 invalid_mutation_type|Unrecognized atomic mutation type
2019 attribute_too_large|Attribute too large for type int
2020 transaction_invalid_version|Transaction does not have a valid commit version
2021 no_commit_version|Transaction is read-only and therefore does not have a commit version
2022 environment_variable_network_option_failed|Environment variable network option could not \
be set
2023 transaction_read_only|Attempted to commit a transaction specified as read-only
2024 invalid_cache_eviction_policy|Invalid cache eviction policy, only random and lru are \
supported
2025 network_cannot_be_restarted|Network can only be started once
2026 blocked_from_network_thread|Detected a deadlock in a callback called from the network thread
2036 blob_granule_no_ryw|Blob Granule Read Transactions must be specified as ryw-disabled
2037 blob_granule_not_materialized|Blob Granule Read was not materialized
2100 incompatible_protocol_version|Incompatible protocol version
2101 transaction_too_large|Transaction exceeds byte limit
2102 key_too_large|Key length exceeds limit
2103 value_too_large|Value length exceeds limit
2104 connection_string_invalid|Connection string invalid
2105 address_in_use|Local address in use
2106 invalid_local_address|Invalid local address
2107 tls_error|TLS error
2108 unsupported_operation|Operation is not supported
2109 too_many_tags|Too many tags set on transaction
2110 tag_too_long|Tag set on transaction is too long
2111 too_many_tag_throttles|Too many tag throttles have been created
2112 special_keys_cross_module_read|Special key space range read crosses modules. Refer to the \
`special_key_space_relaxed' transaction option for more details.
2113 special_keys_no_module_found|Special key space range read does not intersect a module. \
Refer to the `special_key_space_relaxed' transaction option for more details.
2114 special_keys_write_disabled|Special Key space is not allowed to write by default. Refer to \
the `special_key_space_enable_writes` transaction option for more details.
2115 special_keys_no_write_module_found|Special key space key or keyrange in set or clear does \
not intersect a module
2116 special_keys_cross_module_clear|Special key space clear crosses modules
2117 special_keys_api_failure|Api call through special keys failed. For more information, call \
get on special key 0xff0xff/error_message to get a json string of the error message.
2130 tenant_name_required|Tenant name must be specified to access data in the cluster
2131 tenant_not_found|Tenant does not exist
2132 tenant_already_exists|A tenant with the given name already exists
2133 tenant_not_empty|Cannot delete a non-empty tenant
2134 invalid_tenant_name|Tenant name cannot begin with \\xff
2135 tenant_prefix_allocator_conflict|The database already has keys stored at the prefix \
allocated for the tenant
2136 tenants_disabled|Tenants have been disabled in the cluster
2138 illegal_tenant_access|Illegal tenant access
2139 invalid_tenant_group_name|Tenant group name cannot begin with \\xff
2140 invalid_tenant_configuration|Tenant configuration is invalid
2141 cluster_no_capacity|Cluster does not have capacity to perform the specified operation
2142 tenant_removed|The tenant was removed
2143 invalid_tenant_state|Operation cannot be applied to tenant in its current state
2144 tenant_locked|Tenant is locked
2200 api_version_unset|API version is not set
2201 api_version_already_set|API version may be set only once
2202 api_version_invalid|API version not valid
2203 api_version_not_supported|API version not supported
2204 api_function_missing|Failed to load a required FDB API function.
2210 exact_mode_without_limits|EXACT streaming mode requires limits, but none were given
2250 invalid_tuple_data_type|Unrecognized data type in packed tuple
2251 invalid_tuple_index|Tuple does not have element at specified index
2252 key_not_in_subspace|Cannot unpack key that is not in subspace
2253 manual_prefixes_not_enabled|Cannot specify a prefix unless manual prefixes are enabled
2254 prefix_in_partition|Cannot specify a prefix in a partition
2255 cannot_open_root_directory|Root directory cannot be opened
2256 directory_already_exists|Directory already exists
2257 directory_does_not_exist|Directory does not exist
2258 parent_directory_does_not_exist|Directory's parent does not exist
2259 mismatched_layer|Directory has already been created with a different layer string
2260 invalid_directory_layer_metadata|Invalid directory layer metadata
2261 cannot_move_directory_between_partitions|Directory cannot be moved between partitions
2262 cannot_use_partition_as_subspace|Directory partition cannot be used as subspace
2263 incompatible_directory_version|Directory layer was created with an incompatible version
2264 directory_prefix_not_empty|Database has keys stored at the prefix chosen by the automatic \
prefix allocator
2265 directory_prefix_in_use|Directory layer already has a conflicting prefix
2266 invalid_destination_directory|Target directory is invalid
2267 cannot_modify_root_directory|Root directory cannot be modified
2268 invalid_uuid_size|UUID is not sixteen bytes
2269 invalid_versionstamp_size|Versionstamp is not exactly twelve bytes
4000 unknown_error|An unknown error occurred
4100 internal_error|An internal error occurred
4200 not_implemented|Not implemented yet
6000 permission_denied|Client tried to access unauthorized data
"""


def _parse(table: str) -> dict[int, tuple[str, str]]:
    out: dict[int, tuple[str, str]] = {}
    for line in table.strip().splitlines():
        head, message = line.split("|", 1)
        code, name = head.split(" ", 1)
        out[int(code)] = (name, message)
    return out


#: code -> (name, message), as `flow/error_definitions.h` of FoundationDB 7.3 has them.
ERRORS: dict[int, tuple[str, str]] = _parse(_TABLE)

#: Codes of the two `fdb_error_predicate` families (semantics reference §3.1).
MAYBE_COMMITTED_CODES = frozenset({1021, 1039})
RETRYABLE_NOT_COMMITTED_CODES = frozenset(
    {1020, 1007, 1009, 1038, 1078, 1042, 1051, 1037, 1213, 1223}
)
RETRYABLE_CODES = MAYBE_COMMITTED_CODES | RETRYABLE_NOT_COMMITTED_CODES

_PREDICATES = {
    50000: RETRYABLE_CODES,
    50001: MAYBE_COMMITTED_CODES,
    50002: RETRYABLE_NOT_COMMITTED_CODES,
}


def error_message(code: int) -> str:
    """FoundationDB's message for `code` (as `fdb_get_error` gives it)."""
    entry = ERRORS.get(code)
    return entry[1] if entry else "UNKNOWN_ERROR"


def error_name(code: int) -> str:
    """FoundationDB's snake_case name for `code` (`"not_committed"`), or `"unknown_error"`."""
    entry = ERRORS.get(code)
    return entry[0] if entry else "unknown_error"


def error_predicate(predicate: int, code: int) -> bool:
    """Whether error `code` matches `predicate` (an `ErrorPredicate` code, 50000..50002);
    any other predicate number is False, as `fdb_error_predicate` answers."""
    if isinstance(predicate, bool) or not isinstance(predicate, int):
        raise TypeError(f"predicate must be an int, not {type(predicate).__name__}")
    if isinstance(code, bool) or not isinstance(code, int):
        raise TypeError(f"code must be an int, not {type(code).__name__}")
    return code in _PREDICATES.get(int(predicate), frozenset())


class BaseFoundException(Exception):
    """Root of every exception raised by found and its layers."""


class FoundException(BaseFoundException):
    """An error reported by FoundationDB (client or server), with its numeric `code`.

    Subclasses exist for every known code; `FoundException(1020)` and `error(1020)` are both
    fine, only the latter gives the `NotCommitted` subclass."""

    code: int = 4000

    def __init__(self, code: int | None = None, message: str | None = None) -> None:
        self.code = type(self).code if code is None else int(code)
        self.message = message if message is not None else error_message(self.code)
        super().__init__(f"{self.message} (FoundationDB error {self.code})")

    @property
    def name(self) -> str:
        """FoundationDB's snake_case name of the code, e.g. `"not_committed"`."""
        return error_name(self.code)

    @property
    def retryable(self) -> bool:
        """True when a retry loop may run the transaction again (predicate 50000)."""
        return self.code in RETRYABLE_CODES

    @property
    def maybe_committed(self) -> bool:
        """True when the transaction may have committed despite the error (predicate 50001)."""
        return self.code in MAYBE_COMMITTED_CODES

    @property
    def retryable_not_committed(self) -> bool:
        """True when the transaction surely did not commit and may be retried (50002)."""
        return self.code in RETRYABLE_NOT_COMMITTED_CODES

    def __reduce__(self) -> tuple[Any, ...]:
        return (error, (self.code, self.message))


FoundationDBError = FoundException


def _class_name(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def _make_classes() -> dict[int, type[FoundException]]:
    classes: dict[int, type[FoundException]] = {}
    for code, (name, message) in ERRORS.items():
        doc = f"FoundationDB error {code} `{name}`: {message}."
        cls = type(_class_name(name), (FoundException,), {"code": code, "__doc__": doc})
        cls.__module__ = "found"
        classes[code] = cls
    return classes


#: code -> generated subclass; the classes are also module globals (`found.NotCommitted`).
ERROR_CLASSES: dict[int, type[FoundException]] = _make_classes()
ERROR_CLASSES_BY_NAME: dict[str, type[FoundException]] = {
    cls.__name__: cls for cls in ERROR_CLASSES.values()
}


def error(code: int, message: str | None = None) -> FoundException:
    """The exception for `code`: the generated subclass when there is one."""
    cls = ERROR_CLASSES.get(int(code), FoundException)
    return cls(int(code), message)
