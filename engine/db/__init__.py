"""Persistence: sqlmodel tables, database set-up and the unit of work."""
