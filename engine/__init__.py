"""The zyklus engine: definitions, guards, the state-machine adapter, persistence and use cases.

The engine never imports ``notifications``; entry points wire the two together.
"""
