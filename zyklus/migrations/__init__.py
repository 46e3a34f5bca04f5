"""Alembic schema migrations for the whole zyklus schema (engine and notifications tables).

They live in the composition root because only it knows every table; `zyklus init` runs them.
"""
