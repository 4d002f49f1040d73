"""The user-data store: what the coach remembers about a person (session log, reminders,
time zone), separate from the read-only knowledge store. See docs/architecture.md."""
