"""`adcensus explain`: why a person is one person, or how two ads are linked."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from adcensus.cli.base import OUTPUT_DIR_ARGUMENT, app, reports_errors


@app.command()
@reports_errors
def explain(
    directory: Path = OUTPUT_DIR_ARGUMENT,
    ids: list[str] = typer.Argument(
        ...,
        metavar="ID...",
        help="A person id (P…), an ad id (ad_key of ads.csv), or two ad ids.",
    ),
    show_phones: bool = typer.Option(
        False, "--show-phones", help="Show phone numbers in full (masked by default)."
    ),
) -> None:
    """Show a person's ads and the links that hold it together, or how two ads are linked."""
    from adcensus.explain import explain as explain_ids
    from adcensus.explain import explanation_view
    from adcensus.review import open_source

    source = open_source(directory)
    explanation = explain_ids(source, ids)
    console = Console(highlight=False, soft_wrap=True)
    console.print(explanation_view(source, explanation, show_phones, console.width))
