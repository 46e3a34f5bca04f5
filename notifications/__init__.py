"""Deadlines, reminders, outbox and mail delivery for zyklus; depends on engine, never the reverse."""
