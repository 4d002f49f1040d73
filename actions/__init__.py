"""rasa-sdk action server package: one module per concern (see docs/architecture.md)."""
