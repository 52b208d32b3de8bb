"""Audit trail: ``record(...)`` is the one way to write an event."""
