"""found-pstore: ranked keyword search over documents (code arrives with its issue)."""
