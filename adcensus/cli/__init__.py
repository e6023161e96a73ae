"""The `adcensus` command line: parses options, calls the library, prints results.

No logic lives here that a Python user could not reach by importing adcensus. Each
command group has its module; importing them registers their commands on `app`.
"""

# Import order is the order of `adcensus --help`.
# fmt: off
from adcensus.cli import dedupe, estimate, synth, store, tally, review, explain, report, outreach, privacy  # noqa: F401, I001
# fmt: on
from adcensus.cli.base import app, err_console, plain_help

plain_help(app)

__all__ = ["app", "err_console"]
