"""Shared by every screen: the DB worker, the change bus, paged models and list tables,
forms, chips, formatting, language, QSettings. Imports no other ui/ folder."""
