"""What keeps a person's health data out of places it does not belong (logs: privacy/logs.py)."""
