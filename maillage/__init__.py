"""Maillage: the platform's composition (embedded mode), its command line, and its demo data."""
