"""Signals and worker processes, for every stage that runs long. Imports nothing above."""
