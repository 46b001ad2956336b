"""Kei reconfiguration planner: which US plants to retool for kei cars, when, and what it earns."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("kei-planner")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"
