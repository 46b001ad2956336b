"""The benchmark generator's retool options: conversions of existing lines and new lines."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planner.bench.gen_world import (
    FIRST_YEAR,
    Cell,
    Generated,
    GenPlant,
    Rows,
    round_to,
)

# ---------------------------------------------------------------------------------------------
# Retool options


@dataclass(frozen=True)
class Conversion:
    to_line: str
    max_capacity: float
    share: float  # of the existing line taken
    capex_per_unit: float
    lead: int


CONVERSIONS: dict[str, tuple[Conversion, ...]] = {
    "UNIBODY": (
        Conversion("KEI_ICE", 150e3, 1.0, 2200, 1),
        Conversion("KEI_ICE", 150e3, 0.5, 2500, 1),
        Conversion("KEI_EV", 100e3, 1.0, 6500, 2),
        Conversion("EV", 150e3, 1.0, 4500, 2),
        Conversion("KEI_FLEX", 120e3, 1.0, 4200, 2),
    ),
    "BOF_TRUCK": (
        Conversion("KEI_ICE", 120e3, 1.0, 3000, 2),
        Conversion("UNIBODY", 200e3, 1.0, 2800, 2),
    ),
    "EV": (Conversion("KEI_EV", 80e3, 1.0, 3000, 1),),
}
NEW_LINES = (
    ("KEI_FLEX", 60e3, 120e3, 5500, 2),
    ("EV", 100e3, 150e3, 8000, 3),
    ("KEI_EV", 40e3, 80e3, 7000, 2),
)


def _window(gen: Generated, rng: np.random.Generator) -> tuple[int, int]:
    last = gen.years[-1]
    earliest = min(last, FIRST_YEAR + int(rng.integers(0, 3)))
    return earliest, min(last, earliest + int(rng.integers(2, 7)))


def _option_row(
    gen: Generated,
    rng: np.random.Generator,
    option_id: str,
    plant: GenPlant,
    source: str | None,
    target: str,
    added: float,
    removed: float | None,
    per_unit: float,
    lead: int,
) -> list[Cell]:
    earliest, latest = _window(gen, rng)
    capex = round_to(added * per_unit * rng.uniform(0.85, 1.2), 100000)
    fixed = round_to(added * rng.uniform(60, 140), 1000)
    return [
        option_id,
        plant.plant_id,
        source,
        target,
        added,
        removed,
        capex,
        lead + int(rng.integers(0, 2)),
        fixed,
        earliest,
        latest,
    ]


def _conversions(gen: Generated, rng: np.random.Generator, plant: GenPlant) -> Rows:
    rows = []
    for line, existing in plant.lines.items():
        for n, conv in enumerate(CONVERSIONS.get(line, ())):
            removed = min(existing * conv.share, conv.max_capacity)
            added = round_to(removed * rng.uniform(0.8, 1.0), 1000)
            rows.append(
                _option_row(
                    gen,
                    rng,
                    f"{plant.plant_id}_{line[:3]}{n + 1}",
                    plant,
                    line,
                    conv.to_line,
                    added,
                    removed,
                    conv.capex_per_unit,
                    conv.lead,
                )
            )
    return rows


def _new_line(gen: Generated, rng: np.random.Generator, plant: GenPlant, n: int) -> list[Cell]:
    target, low, high, per_unit, lead = NEW_LINES[n % len(NEW_LINES)]
    added = round_to(rng.uniform(low, high), 5000)
    return _option_row(
        gen, rng, f"{plant.plant_id}_NEW{n + 1}", plant, None, target, added, None, per_unit, lead
    )


def option_rows(gen: Generated, rng: np.random.Generator) -> Rows:
    rows: Rows = []
    for plant in gen.plants:
        rows.extend(_conversions(gen, rng, plant))
        rows.append(_new_line(gen, rng, plant, 0))
    builders = [p for p in gen.plants if p.country != "JP"]
    extra = 1
    while len(rows) < gen.spec.options:
        rows.append(_new_line(gen, rng, builders[(extra - 1) % len(builders)], extra))
        extra += 1
    if len(rows) > gen.spec.options:
        keep = np.sort(rng.choice(len(rows), gen.spec.options, replace=False))
        rows = [rows[i] for i in keep]
    return _unique_ids(rows)


def _unique_ids(rows: Rows) -> Rows:
    seen: dict[str, int] = {}
    out = []
    for row in rows:
        base = str(row[0])
        seen[base] = seen.get(base, 0) + 1
        out.append([base if seen[base] == 1 else f"{base}_{seen[base]}", *row[1:]])
    return out
