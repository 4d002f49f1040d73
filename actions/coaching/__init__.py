"""Coaching: session start, the session log, progress, reminders and time zones."""
