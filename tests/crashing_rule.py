"""A check that crashes, for the engine's isolation test."""


def boom(facts, **params):
    raise RuntimeError("deliberate failure")
    yield  # pragma: no cover
