"""`python -m adcensus` runs the CLI."""

from adcensus.cli import app

app(prog_name="adcensus")
