"""Occupation linking: free-text French job titles → ROME 4.0 appellations and fiches, ESCO occupations."""

from services.matching.linking.linker import SYSTEMS, OccupationLinker, OccupationMatch, System
from services.matching.linking.ranking import Weights, rank_labels

__all__ = ["SYSTEMS", "OccupationLinker", "OccupationMatch", "System", "Weights", "rank_labels"]
