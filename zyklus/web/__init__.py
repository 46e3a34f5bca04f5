"""zyklus web: the coordinators' and the advisors' web app (server-rendered pages) and the REST
API (``/api/v1``), both on the one door (zyklus.app). An entry point like the CLI: it parses
forms and JSON into typed commands, checks who may see what (zyklus.app.access) and renders DTOs;
it opens no database session of its own."""
