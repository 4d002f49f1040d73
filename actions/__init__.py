"""rasa-sdk action server package, grouped by what the bot does: screening/, advice/, coaching/,
data_rights/, and plumbing/ shared by them (docs/architecture.md, "Where a reply comes from")."""
