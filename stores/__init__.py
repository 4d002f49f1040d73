"""Rasa store plugins (loaded by module path from an endpoints file)."""
