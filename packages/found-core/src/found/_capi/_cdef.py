"""C declarations of the libfdb_c 7.3 entry points the driver calls (cffi ABI mode).

Written from the C API description (semantics reference §1). Two parts, because the key and
key-value structs live under `#pragma pack(push, 4)` in `fdb_c_types.h`: on LP64 an `FDBKey` is
12 bytes and an `FDBKeyValue` 24 bytes (value pointer at offset 12), which natural alignment would
get wrong. `PACKED_CDEF` must be given to `ffi.cdef(..., pack=4)` before `CDEF`.
Enum parameters (options, streaming mode, mutation type, conflict type) are plain `int` on the ABI.

The parts are kept apart (`TYPES_CDEF`, `PACKED_CDEF`, `FUNCTIONS_CDEF`) because the test
library (`bindingtester/shim`) builds its exports from the same text: one source of truth for
both sides of the C API.
"""

from __future__ import annotations

API_VERSION = 730

PACKED_CDEF = """
typedef struct FDBKey {
    const uint8_t *key;
    int key_length;
} FDBKey;

typedef struct FDBKeyValue {
    const uint8_t *key;
    int key_length;
    const uint8_t *value;
    int value_length;
} FDBKeyValue;
"""

TYPES_CDEF = """
typedef int fdb_error_t;
typedef int fdb_bool_t;
typedef struct FDBFuture FDBFuture;
typedef struct FDBDatabase FDBDatabase;
typedef struct FDBTransaction FDBTransaction;
typedef void (*FDBCallback)(FDBFuture *future, void *callback_parameter);
"""

FUNCTIONS_CDEF = """
const char *fdb_get_error(fdb_error_t code);
fdb_bool_t fdb_error_predicate(int predicate_test, fdb_error_t code);
fdb_error_t fdb_select_api_version_impl(int runtime_version, int header_version);
int fdb_get_max_api_version(void);
const char *fdb_get_client_version(void);

fdb_error_t fdb_network_set_option(int option, const uint8_t *value, int value_length);
fdb_error_t fdb_setup_network(void);
fdb_error_t fdb_run_network(void);
fdb_error_t fdb_stop_network(void);
fdb_error_t fdb_add_network_thread_completion_hook(void (*hook)(void *), void *hook_parameter);

void fdb_future_cancel(FDBFuture *f);
void fdb_future_release_memory(FDBFuture *f);
void fdb_future_destroy(FDBFuture *f);
fdb_error_t fdb_future_block_until_ready(FDBFuture *f);
fdb_bool_t fdb_future_is_ready(FDBFuture *f);
fdb_error_t fdb_future_set_callback(FDBFuture *f, FDBCallback callback, void *callback_parameter);
fdb_error_t fdb_future_get_error(FDBFuture *f);
fdb_error_t fdb_future_get_int64(FDBFuture *f, int64_t *out);
fdb_error_t fdb_future_get_key(FDBFuture *f, const uint8_t **out_key, int *out_key_length);
fdb_error_t fdb_future_get_value(FDBFuture *f, fdb_bool_t *out_present,
                                 const uint8_t **out_value, int *out_value_length);
fdb_error_t fdb_future_get_keyvalue_array(FDBFuture *f, const FDBKeyValue **out_kv,
                                          int *out_count, fdb_bool_t *out_more);
fdb_error_t fdb_future_get_key_array(FDBFuture *f, const FDBKey **out_key_array, int *out_count);
fdb_error_t fdb_future_get_string_array(FDBFuture *f, const char ***out_strings, int *out_count);

fdb_error_t fdb_create_database(const char *cluster_file_path, FDBDatabase **out_database);
void fdb_database_destroy(FDBDatabase *d);
fdb_error_t fdb_database_set_option(FDBDatabase *d, int option, const uint8_t *value,
                                    int value_length);
fdb_error_t fdb_database_create_transaction(FDBDatabase *d, FDBTransaction **out_transaction);

void fdb_transaction_destroy(FDBTransaction *tr);
void fdb_transaction_cancel(FDBTransaction *tr);
void fdb_transaction_reset(FDBTransaction *tr);
fdb_error_t fdb_transaction_set_option(FDBTransaction *tr, int option, const uint8_t *value,
                                       int value_length);
void fdb_transaction_set_read_version(FDBTransaction *tr, int64_t version);
FDBFuture *fdb_transaction_get_read_version(FDBTransaction *tr);
FDBFuture *fdb_transaction_get(FDBTransaction *tr, const uint8_t *key_name, int key_name_length,
                               fdb_bool_t snapshot);
FDBFuture *fdb_transaction_get_key(FDBTransaction *tr, const uint8_t *key_name,
                                   int key_name_length, fdb_bool_t or_equal, int offset,
                                   fdb_bool_t snapshot);
FDBFuture *fdb_transaction_get_range(FDBTransaction *tr,
                                     const uint8_t *begin_key_name, int begin_key_name_length,
                                     fdb_bool_t begin_or_equal, int begin_offset,
                                     const uint8_t *end_key_name, int end_key_name_length,
                                     fdb_bool_t end_or_equal, int end_offset,
                                     int limit, int target_bytes, int mode, int iteration,
                                     fdb_bool_t snapshot, fdb_bool_t reverse);
FDBFuture *fdb_transaction_get_estimated_range_size_bytes(
    FDBTransaction *tr, const uint8_t *begin_key_name, int begin_key_name_length,
    const uint8_t *end_key_name, int end_key_name_length);
FDBFuture *fdb_transaction_get_range_split_points(
    FDBTransaction *tr, const uint8_t *begin_key_name, int begin_key_name_length,
    const uint8_t *end_key_name, int end_key_name_length, int64_t chunk_size);
FDBFuture *fdb_transaction_get_addresses_for_key(FDBTransaction *tr, const uint8_t *key_name,
                                                 int key_name_length);
void fdb_transaction_set(FDBTransaction *tr, const uint8_t *key_name, int key_name_length,
                         const uint8_t *value, int value_length);
void fdb_transaction_clear(FDBTransaction *tr, const uint8_t *key_name, int key_name_length);
void fdb_transaction_clear_range(FDBTransaction *tr, const uint8_t *begin_key_name,
                                 int begin_key_name_length, const uint8_t *end_key_name,
                                 int end_key_name_length);
void fdb_transaction_atomic_op(FDBTransaction *tr, const uint8_t *key_name, int key_name_length,
                               const uint8_t *param, int param_length, int operation_type);
fdb_error_t fdb_transaction_add_conflict_range(FDBTransaction *tr,
                                               const uint8_t *begin_key_name,
                                               int begin_key_name_length,
                                               const uint8_t *end_key_name,
                                               int end_key_name_length, int type);
FDBFuture *fdb_transaction_watch(FDBTransaction *tr, const uint8_t *key_name,
                                 int key_name_length);
FDBFuture *fdb_transaction_commit(FDBTransaction *tr);
fdb_error_t fdb_transaction_get_committed_version(FDBTransaction *tr, int64_t *out_version);
FDBFuture *fdb_transaction_get_versionstamp(FDBTransaction *tr);
FDBFuture *fdb_transaction_get_approximate_size(FDBTransaction *tr);
FDBFuture *fdb_transaction_on_error(FDBTransaction *tr, fdb_error_t error);
"""

CDEF = TYPES_CDEF + FUNCTIONS_CDEF
