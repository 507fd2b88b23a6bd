"""found-bstore: a content-addressed blob store (code arrives with its issue)."""
