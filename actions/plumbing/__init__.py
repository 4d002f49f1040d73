"""Plumbing shared by the actions: replies as data, the knowledge and user-data stores, the
conversation context and small tracker readers."""
