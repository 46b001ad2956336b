"""The model: one constraint family per module, each with its equation in the docstring."""
