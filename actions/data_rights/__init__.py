"""Data rights: deleting and exporting what the bot keeps about a person."""
