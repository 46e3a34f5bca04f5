"""The OParl 1.1 adapter: an HTTP client for council information systems, the tables of what was
fetched, the sync and the matching of papers to the resolution a cycle waits for.

An adapter like ``notifications``: it may import the engine, the engine never imports it (an
import contract in pyproject.toml). The door (zyklus/app/oparl.py) is its only caller.
"""
