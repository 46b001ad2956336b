"""Solution -> results: typed tables an analyst reads (and the JSON summary is made from)."""

from planner.results.extract import Results, extract_results

__all__ = ["Results", "extract_results"]
