"""`make bench`: generated cases of growing size and OR-Library instances, timed phase by phase.

- `generate`: seeded contract workbooks (small, medium, large, national).
- `reference`: an independent direct formulation of contract §2 (numpy/scipy → one HiGHS call).
- `measure`: one measurement in a fresh process (our pipeline, or the reference).
- `__main__`: runs every measurement, prints the table, writes CSV and PNG.
"""
