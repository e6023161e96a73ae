"""How the pipeline reports progress: a stage name, then optionally items done of all.

The library never prints; the CLI passes a reporter that draws progress bars with
rates on a terminal (see adcensus.cli.base), a Python user may pass their own.
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """Called as `progress("phones")` when a stage starts, `progress("phones", 25_000,
    1_000_000)` as it advances."""

    def __call__(self, stage: str, done: int | None = None, total: int | None = None) -> None: ...


def silent(stage: str, done: int | None = None, total: int | None = None) -> None:
    """A reporter that reports nothing."""
