"""Robust mode (docs/contract.md §4): one retooling and launch plan for every scenario at once.

- `inputs`: scenario probabilities, λ and α, and the input errors robust mode adds;
- `plan`: a plan by name (options started, products launched), read from a solution;
- `model`: the extensive form, (1−λ)·Σ π_s NPV_s + λ·CVaR_α over shared z and y;
- `evaluate`: a plan fixed in a scenario's own model and the rest re-solved;
- `values`: the expected-value (mean) case, CVaR, regret, EVPI and VSS;
- `analysis`: robust mode without file I/O, from the cases to the report;
- `report`: the typed outcome the writers read;
- `run`: `planner run --robust`; `bench`: timings as scenarios grow.
"""
