"""The command line and the batch runner: the only layer that composes the stages."""
