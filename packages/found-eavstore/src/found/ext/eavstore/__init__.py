"""found-eavstore: dictionaries stored as entity-attribute-value with an attribute index (code arrives with its issue)."""
