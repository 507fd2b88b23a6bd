"""found-nstore: a store of n-tuples with Datalog-style pattern queries (code arrives with its issue)."""
