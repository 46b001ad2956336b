"""Workbook -> validated case: the only Excel reader (scan, tables, scenarios, checks, load)."""
