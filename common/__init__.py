"""Pieces every Maillage service shares: event schemas, the messaging port, settings, errors, db helpers."""
