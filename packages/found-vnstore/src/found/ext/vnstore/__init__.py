"""found-vnstore: versioned n-tuples grouped in change-sets (code arrives with its issue)."""
