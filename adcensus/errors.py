"""The exceptions the CLI turns into one-line messages and exit codes."""

from __future__ import annotations


class AdcensusError(Exception):
    """Base error: its message tells the user what went wrong and what to do.

    `exit_code` is 2 for bad usage or unreadable input, 1 for a failure of the work.
    """

    exit_code = 1


class InputError(AdcensusError):
    """An input file or option cannot be used as given (exit code 2)."""

    exit_code = 2


class UsageError(InputError):
    """Options that contradict each other or are out of range (exit code 2)."""


class OutputError(AdcensusError):
    """An output cannot be written (exit code 1)."""
