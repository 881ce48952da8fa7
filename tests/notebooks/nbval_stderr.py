"""pytest plugin for the nbval subprocess (``-p nbval_stderr``): stderr is not compared.

Warnings and kernel log lines on stderr (DeprecationWarning, "Kernel is running over TCP")
would otherwise fail a cell ("Unexpected output fields: {'stderr'}"). Real errors still fail:
an exception in a cell is an ``error`` output, which nbval always reports."""

from __future__ import annotations

from typing import Any


def pytest_collectstart(collector: Any) -> None:
    if hasattr(collector, "skip_compare"):  # nbval's IPyNbFile
        collector.skip_compare = (*collector.skip_compare, "stderr")
