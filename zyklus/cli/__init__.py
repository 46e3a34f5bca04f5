"""The command line: Typer commands that parse what a person typed into the door's typed commands
and print the DTOs they get back (tables for people, ``--json`` for scripts).

Nothing here opens a database session or calls the engine directly: every command goes through
``ctx.obj.door`` (zyklus.app), built by the one composition root (zyklus.bootstrap). The import
contracts in pyproject.toml hold that line.
"""
