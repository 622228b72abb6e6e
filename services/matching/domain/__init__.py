"""Matching's domain: hard constraints, ranking and reasons. Pure Python, no I/O."""
