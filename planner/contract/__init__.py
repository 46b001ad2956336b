"""The contract: input schema, policy kinds, user-facing errors. Imports nothing of ours."""
