"""The one application door: every interface (CLI, web, REST, scheduler, demo) calls it with typed
commands and queries and gets typed DTOs back; errors carry a stable code.

Build it with :func:`zyklus.bootstrap.bootstrap`; see docs/architecture.md for the rooms.
"""

from zyklus.app.application import Application

__all__ = ["Application"]
