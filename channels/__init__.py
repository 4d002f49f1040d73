"""Custom Rasa input channels, referenced by module path from credentials.yml."""
