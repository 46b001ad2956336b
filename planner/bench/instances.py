"""The benchmark's instances: generated sizes and the OR-Library capa/capb/capc workbooks."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from planner.bench.generate import SIZES, write_workbook
from planner.bench.orlib import load_optimum_instance, read_optima, write_cap_workbook

ORLIB_DIR = Path(__file__).resolve().parents[2] / "tests" / "data" / "orlib-cap"
ORLIB_FAMILIES = ("capa", "capb", "capc")
QUICK = ("small", "medium", "cap131")  # cap131: 50 × 50, published optimum, seconds


@dataclass(frozen=True)
class Instance:
    name: str  # "small", "medium-s2" or "capa-8000"
    family: str  # "generated" or "orlib"
    published: float | None = None  # OR-Library optimum (a cost: our NPV is its negative)

    def prepare(self, folder: Path) -> Path:
        """Write the instance's workbook into `folder` (deterministic) and return its path."""
        target = folder / f"{self.name}.xlsx"
        if self.family == "generated":
            return write_workbook(SIZES[self.name], target)
        row = {r.instance: r for r in read_optima(ORLIB_DIR / "optima.csv")}[self.name]
        write_cap_workbook(load_optimum_instance(row, ORLIB_DIR), target)
        return target


def _family(instance: Instance) -> str | None:
    """capa for capa-8000; None for a generated size (medium does not select medium-s2)."""
    return instance.name.split("-")[0] if instance.family == "orlib" else None


def orlib_instances(families: tuple[str, ...] | None = ORLIB_FAMILIES) -> list[Instance]:
    """OR-Library instances of `families` (None: every instance of optima.csv, cap41...)."""
    rows = read_optima(ORLIB_DIR / "optima.csv")
    return [
        Instance(r.instance, "orlib", r.optimal_value)
        for r in rows
        if families is None or r.instance.split("-")[0] in families
    ]


def all_instances() -> list[Instance]:
    return [Instance(name, "generated") for name in SIZES] + orlib_instances()


def select(tokens: list[str]) -> list[Instance]:
    """Instances named by tokens: a size, a family (capa), an instance (capa-8000, cap41)."""
    known = [Instance(name, "generated") for name in SIZES] + orlib_instances(None)
    chosen: list[Instance] = []
    for token in tokens:
        found = [i for i in known if token == i.name or token == _family(i)]
        if not found:
            names = ", ".join([*SIZES, *ORLIB_FAMILIES, "capa-8000", "..."])
            raise ValueError(f"unknown instance {token!r} (choose from {names})")
        chosen.extend(i for i in found if i not in chosen)
    return chosen
