"""One public name per FoundationDB error code: `found.NotCommitted`, `found.TransactionTooOld`...

Generated from `found._errors.ERRORS` (a test checks they agree). Each name is the subclass of
`FoundationDBError` that `found._errors.error(code)` raises for that code.
"""

from __future__ import annotations

from ._errors import ERROR_CLASSES as _C

EndOfStream = _C[1]
OperationFailed = _C[1000]
TimedOut = _C[1004]
TransactionTooOld = _C[1007]
FutureVersion = _C[1009]
NotCommitted = _C[1020]
CommitUnknownResult = _C[1021]
CommitUnknownResultFatal = _C[1022]
TransactionCancelled = _C[1025]
ConnectionFailed = _C[1026]
WatchCancelled = _C[1029]
TransactionTimedOut = _C[1031]
TooManyWatches = _C[1032]
LocalityInformationUnavailable = _C[1033]
WatchesDisabled = _C[1034]
AccessedUnreadable = _C[1036]
ProcessBehind = _C[1037]
DatabaseLocked = _C[1038]
ClusterVersionChanged = _C[1039]
ExternalClientAlreadyLoaded = _C[1040]
LookupFailed = _C[1041]
CommitProxyMemoryLimitExceeded = _C[1042]
ShutdownInProgress = _C[1043]
BatchTransactionThrottled = _C[1051]
GrvProxyMemoryLimitExceeded = _C[1078]
BlobGranuleRequestFailed = _C[1079]
BrokenPromise = _C[1100]
OperationCancelled = _C[1101]
FutureReleased = _C[1102]
ServerOverloaded = _C[1211]
TagThrottled = _C[1213]
ProxyTagThrottled = _C[1223]
PlatformError = _C[1500]
IoError = _C[1510]
FileNotFound = _C[1511]
FileNotReadable = _C[1513]
FileNotWritable = _C[1514]
NoClusterFileFound = _C[1515]
FileCorrupt = _C[1522]
LockFileFailure = _C[1529]
ClientInvalidOperation = _C[2000]
CommitReadIncomplete = _C[2002]
KeyOutsideLegalRange = _C[2004]
InvertedRange = _C[2005]
InvalidOptionValue = _C[2006]
InvalidOption = _C[2007]
NetworkNotSetup = _C[2008]
NetworkAlreadySetup = _C[2009]
ReadVersionAlreadySet = _C[2010]
VersionInvalid = _C[2011]
RangeLimitsInvalid = _C[2012]
InvalidDatabaseName = _C[2013]
AttributeNotFound = _C[2014]
FutureNotSet = _C[2015]
FutureNotError = _C[2016]
UsedDuringCommit = _C[2017]
InvalidMutationType = _C[2018]
AttributeTooLarge = _C[2019]
TransactionInvalidVersion = _C[2020]
NoCommitVersion = _C[2021]
EnvironmentVariableNetworkOptionFailed = _C[2022]
TransactionReadOnly = _C[2023]
InvalidCacheEvictionPolicy = _C[2024]
NetworkCannotBeRestarted = _C[2025]
BlockedFromNetworkThread = _C[2026]
BlobGranuleNoRyw = _C[2036]
BlobGranuleNotMaterialized = _C[2037]
IncompatibleProtocolVersion = _C[2100]
TransactionTooLarge = _C[2101]
KeyTooLarge = _C[2102]
ValueTooLarge = _C[2103]
ConnectionStringInvalid = _C[2104]
AddressInUse = _C[2105]
InvalidLocalAddress = _C[2106]
TlsError = _C[2107]
UnsupportedOperation = _C[2108]
TooManyTags = _C[2109]
TagTooLong = _C[2110]
TooManyTagThrottles = _C[2111]
SpecialKeysCrossModuleRead = _C[2112]
SpecialKeysNoModuleFound = _C[2113]
SpecialKeysWriteDisabled = _C[2114]
SpecialKeysNoWriteModuleFound = _C[2115]
SpecialKeysCrossModuleClear = _C[2116]
SpecialKeysApiFailure = _C[2117]
TenantNameRequired = _C[2130]
TenantNotFound = _C[2131]
TenantAlreadyExists = _C[2132]
TenantNotEmpty = _C[2133]
InvalidTenantName = _C[2134]
TenantPrefixAllocatorConflict = _C[2135]
TenantsDisabled = _C[2136]
IllegalTenantAccess = _C[2138]
InvalidTenantGroupName = _C[2139]
InvalidTenantConfiguration = _C[2140]
ClusterNoCapacity = _C[2141]
TenantRemoved = _C[2142]
InvalidTenantState = _C[2143]
TenantLocked = _C[2144]
ApiVersionUnset = _C[2200]
ApiVersionAlreadySet = _C[2201]
ApiVersionInvalid = _C[2202]
ApiVersionNotSupported = _C[2203]
ApiFunctionMissing = _C[2204]
ExactModeWithoutLimits = _C[2210]
InvalidTupleDataType = _C[2250]
InvalidTupleIndex = _C[2251]
KeyNotInSubspace = _C[2252]
ManualPrefixesNotEnabled = _C[2253]
PrefixInPartition = _C[2254]
CannotOpenRootDirectory = _C[2255]
DirectoryAlreadyExists = _C[2256]
DirectoryDoesNotExist = _C[2257]
ParentDirectoryDoesNotExist = _C[2258]
MismatchedLayer = _C[2259]
InvalidDirectoryLayerMetadata = _C[2260]
CannotMoveDirectoryBetweenPartitions = _C[2261]
CannotUsePartitionAsSubspace = _C[2262]
IncompatibleDirectoryVersion = _C[2263]
DirectoryPrefixNotEmpty = _C[2264]
DirectoryPrefixInUse = _C[2265]
InvalidDestinationDirectory = _C[2266]
CannotModifyRootDirectory = _C[2267]
InvalidUuidSize = _C[2268]
InvalidVersionstampSize = _C[2269]
UnknownError = _C[4000]
InternalError = _C[4100]
NotImplemented = _C[4200]
PermissionDenied = _C[6000]

__all__ = [
    "AccessedUnreadable",
    "AddressInUse",
    "ApiFunctionMissing",
    "ApiVersionAlreadySet",
    "ApiVersionInvalid",
    "ApiVersionNotSupported",
    "ApiVersionUnset",
    "AttributeNotFound",
    "AttributeTooLarge",
    "BatchTransactionThrottled",
    "BlobGranuleNoRyw",
    "BlobGranuleNotMaterialized",
    "BlobGranuleRequestFailed",
    "BlockedFromNetworkThread",
    "BrokenPromise",
    "CannotModifyRootDirectory",
    "CannotMoveDirectoryBetweenPartitions",
    "CannotOpenRootDirectory",
    "CannotUsePartitionAsSubspace",
    "ClientInvalidOperation",
    "ClusterNoCapacity",
    "ClusterVersionChanged",
    "CommitProxyMemoryLimitExceeded",
    "CommitReadIncomplete",
    "CommitUnknownResult",
    "CommitUnknownResultFatal",
    "ConnectionFailed",
    "ConnectionStringInvalid",
    "DatabaseLocked",
    "DirectoryAlreadyExists",
    "DirectoryDoesNotExist",
    "DirectoryPrefixInUse",
    "DirectoryPrefixNotEmpty",
    "EndOfStream",
    "EnvironmentVariableNetworkOptionFailed",
    "ExactModeWithoutLimits",
    "ExternalClientAlreadyLoaded",
    "FileCorrupt",
    "FileNotFound",
    "FileNotReadable",
    "FileNotWritable",
    "FutureNotError",
    "FutureNotSet",
    "FutureReleased",
    "FutureVersion",
    "GrvProxyMemoryLimitExceeded",
    "IllegalTenantAccess",
    "IncompatibleDirectoryVersion",
    "IncompatibleProtocolVersion",
    "InternalError",
    "InvalidCacheEvictionPolicy",
    "InvalidDatabaseName",
    "InvalidDestinationDirectory",
    "InvalidDirectoryLayerMetadata",
    "InvalidLocalAddress",
    "InvalidMutationType",
    "InvalidOption",
    "InvalidOptionValue",
    "InvalidTenantConfiguration",
    "InvalidTenantGroupName",
    "InvalidTenantName",
    "InvalidTenantState",
    "InvalidTupleDataType",
    "InvalidTupleIndex",
    "InvalidUuidSize",
    "InvalidVersionstampSize",
    "InvertedRange",
    "IoError",
    "KeyNotInSubspace",
    "KeyOutsideLegalRange",
    "KeyTooLarge",
    "LocalityInformationUnavailable",
    "LockFileFailure",
    "LookupFailed",
    "ManualPrefixesNotEnabled",
    "MismatchedLayer",
    "NetworkAlreadySetup",
    "NetworkCannotBeRestarted",
    "NetworkNotSetup",
    "NoClusterFileFound",
    "NoCommitVersion",
    "NotCommitted",
    "NotImplemented",
    "OperationCancelled",
    "OperationFailed",
    "ParentDirectoryDoesNotExist",
    "PermissionDenied",
    "PlatformError",
    "PrefixInPartition",
    "ProcessBehind",
    "ProxyTagThrottled",
    "RangeLimitsInvalid",
    "ReadVersionAlreadySet",
    "ServerOverloaded",
    "ShutdownInProgress",
    "SpecialKeysApiFailure",
    "SpecialKeysCrossModuleClear",
    "SpecialKeysCrossModuleRead",
    "SpecialKeysNoModuleFound",
    "SpecialKeysNoWriteModuleFound",
    "SpecialKeysWriteDisabled",
    "TagThrottled",
    "TagTooLong",
    "TenantAlreadyExists",
    "TenantLocked",
    "TenantNameRequired",
    "TenantNotEmpty",
    "TenantNotFound",
    "TenantPrefixAllocatorConflict",
    "TenantRemoved",
    "TenantsDisabled",
    "TimedOut",
    "TlsError",
    "TooManyTagThrottles",
    "TooManyTags",
    "TooManyWatches",
    "TransactionCancelled",
    "TransactionInvalidVersion",
    "TransactionReadOnly",
    "TransactionTimedOut",
    "TransactionTooLarge",
    "TransactionTooOld",
    "UnknownError",
    "UnsupportedOperation",
    "UsedDuringCommit",
    "ValueTooLarge",
    "VersionInvalid",
    "WatchCancelled",
    "WatchesDisabled",
]
