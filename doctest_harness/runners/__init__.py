"""The registered runners, one module per kind. For a language several kinds take,
the first that accepts the block wins: PTC before plain Python, diagrams before quoted output."""

from doctest_harness.registry import Registry
from doctest_harness.runners import bash, data, diagram, go, ptc, python, quoted

REGISTRY = Registry([ptc.RUNNER, python.RUNNER, bash.RUNNER, go.RUNNER, diagram.RUNNER, quoted.RUNNER, data.RUNNER])
