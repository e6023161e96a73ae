"""`adcensus estimate`: persons from counts or a dedupe output, intervals, hidden total."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from adcensus.cli.base import app, err_console, progress_bar, reports_errors
from adcensus.errors import UsageError
from adcensus.write import json_text


@app.command()
@reports_errors
def estimate(
    directory: Path | None = typer.Argument(
        None, metavar="DIR", help="A folder written by `adcensus dedupe`, or a census store."
    ),
    ads: int | None = typer.Option(
        None, "--ads", help="Number of ads, with --doublon-rate, --persons or --reviewed-sample."
    ),
    doublon_rate: str | None = typer.Option(
        None, "--doublon-rate", help="Share of ads repeating a person: 0.61, 61% or '61,5 %'."
    ),
    persons: int | None = typer.Option(
        None, "--persons", help="Number of persons: gives the doublon rate."
    ),
    reviewed_sample: str | None = typer.Option(
        None,
        "--reviewed-sample",
        metavar="K/N",
        help="K duplicates found among N ads checked by hand: the rate with an interval.",
    ),
    confidence: float = typer.Option(0.95, "--confidence", help="Confidence level of intervals."),
    delta: float = typer.Option(
        0.05, "--delta", help="With DIR: re-link at the link threshold ± this."
    ),
    hidden: bool = typer.Option(
        False, "--hidden", help="With DIR: also estimate the persons no list saw."
    ),
    lists: str | None = typer.Option(
        None,
        "--lists",
        help="Lists for --hidden: source_file (default: the files read), site, month, or a column of ads.csv.",
    ),
    histories: Path | None = typer.Option(
        None,
        "--histories",
        help="Hidden total from a table of list overlaps (0/1 column per list + count).",
    ),
    criterion: str = typer.Option(
        "bic", "--criterion", help="Model choice for 3+ lists: bic or aic."
    ),
    search: str = typer.Option(
        "auto",
        "--search",
        help="Models tried: auto, exhaustive, stepwise, sparsemse or bhs2015.",
    ),
    max_order: int | None = typer.Option(
        None,
        "--max-order",
        min=2,
        help="Largest interaction tried: 2 (pairs of lists), 3 (triples)... [3 for 4 lists, else 2]",
    ),
    p_threshold: float | None = typer.Option(
        None,
        "--p-threshold",
        help="p-value of the sparsemse (0.02) and bhs2015 (0.05) rules.",
    ),
    interval: str = typer.Option(
        "bca", "--interval", help="Bootstrap interval of the hidden total: bca or percentile."
    ),
    bootstrap: int | None = typer.Option(
        None,
        "--bootstrap",
        min=0,
        help="Bootstrap draws: review interval [1000]; hidden total, choosing the model again [0].",
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of every random draw."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON on stdout."),
) -> None:
    """Persons from ads and a doublon rate, or from a dedupe output, with how sure we are."""
    from adcensus.estimate import (
        DEFAULT_LISTS,
        estimate_from_counts,
        estimate_from_output,
        parse_reviewed_sample,
    )
    from adcensus.mse import estimate_hidden, read_capture_table

    counts_given = any(x is not None for x in (ads, doublon_rate, persons, reviewed_sample))
    hidden = hidden or lists is not None
    model: dict[str, Any] = {
        "criterion": criterion.lower(),
        "search": search.lower(),
        "p_threshold": p_threshold,
        "max_order": max_order,
        "interval": interval.lower(),
    }
    if sum((directory is not None, counts_given, histories is not None)) != 1:
        raise UsageError(
            "give one of: a dedupe output folder (adcensus estimate DIR), --ads with "
            "--doublon-rate / --persons / --reviewed-sample, or --histories FILE"
        )
    if hidden and directory is None:
        raise UsageError("--hidden and --lists need a dedupe output folder: adcensus estimate DIR")
    if histories is not None:
        table = read_capture_table(histories)
        with contextlib.contextmanager(progress_bar)() as progress:
            found = estimate_hidden(
                table, confidence, **model, bootstrap=bootstrap or 0, seed=seed, progress=progress
            )
        data = found.to_dict()
        _show_hidden(data)
        _emit(data, as_json, data["total"])
    elif directory is not None:
        with contextlib.contextmanager(progress_bar)() as progress:
            result = estimate_from_output(
                directory,
                confidence,
                delta,
                replicates=bootstrap or 1000,
                seed=seed,
                hidden_lists=(lists or DEFAULT_LISTS) if hidden else None,
                hidden_bootstrap=bootstrap or 0,
                progress=progress,
                **model,
            )
        data = result.to_dict()
        _show_output(data)
        _emit(data, as_json, data["persons"])
    else:
        if ads is None:
            raise UsageError("--ads is needed with --doublon-rate, --persons or --reviewed-sample")
        sample = parse_reviewed_sample(reviewed_sample) if reviewed_sample else None
        counted = estimate_from_counts(ads, doublon_rate, persons, sample, confidence)
        data = counted.to_dict()
        err_console.print(counted.formula, highlight=False, soft_wrap=True)
        if counted.reviewed is not None:
            err_console.print(
                f"{confidence:.0%} interval (Wilson): doublon rate "
                f"{data['doublon_rate_low']:.1%} to {data['doublon_rate_high']:.1%}, "
                f"persons {data['persons_low']:,} to {data['persons_high']:,}",
                highlight=False,
                soft_wrap=True,
            )
        headline = f"{counted.doublon_rate:.6f}" if persons is not None else counted.persons
        _emit(data, as_json, headline)


def _emit(data: dict[str, Any], as_json: bool, headline: object) -> None:
    """stdout: the JSON result, or the one number that answers the question."""
    if as_json:
        typer.echo(json_text(data), nl=False)
    else:
        typer.echo(str(headline))


def _show_output(data: dict[str, Any]) -> None:
    table = Table(title="adcensus estimate", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(justify="right")
    sens, review = data["sensitivity"], data["review"]
    table.add_row("ads", f"{data['ads']:,}")
    table.add_row("persons", f"{data['persons']:,}")
    table.add_row("doublon rate", f"{data['doublon_rate']:.1%}")
    table.add_row(
        f"persons at threshold {sens['stricter_threshold']:.2f} (stricter)",
        f"{sens['persons_stricter']:,}",
    )
    table.add_row(
        f"persons at threshold {sens['looser_threshold']:.2f} (looser)",
        f"{sens['persons_looser']:,}",
    )
    if review is not None:
        table.add_row(
            f"link precision ({review['sampled_links']} links reviewed)",
            f"{review['precision']:.1%} ({review['precision_low']:.1%}–"
            f"{review['precision_high']:.1%})",
        )
        table.add_row(
            f"persons, {data['confidence']:.0%} interval from the review",
            f"{review['persons_low']:,}–{review['persons_high']:,}",
        )
    table.add_row("persons, overall range", f"{data['persons_low']:,}–{data['persons_high']:,}")
    err_console.print(table)
    for note in data["notes"]:
        err_console.print(f"note: {note}", highlight=False, soft_wrap=True, markup=False)
    if data["hidden"] is not None:
        _show_hidden(data["hidden"])


def _show_hidden(hidden: dict[str, Any]) -> None:
    table = Table(
        title=f"hidden total ({hidden['method']})", show_header=False, title_justify="left"
    )
    table.add_column(style="bold")
    table.add_column(justify="right")
    for name, size in hidden["list_sizes"].items():
        table.add_row(f"persons on {escape(name)}", f"{size:,}")
    table.add_row("persons seen (any list)", f"{hidden['observed']:,}")
    table.add_row("persons on 2+ lists", f"{hidden['on_several_lists']:,}")
    if hidden["model"]:
        table.add_row("model", escape(hidden["model"]))
    high = "no upper limit" if hidden["total_high"] is None else f"{hidden['total_high']:,}"
    table.add_row("estimated total (seen + unseen)", f"{hidden['total']:,}")
    table.add_row(
        f"{hidden['confidence']:.0%} interval ({hidden['interval_method']})",
        f"{hidden['total_low']:,}–{high}",
    )
    if hidden["bootstrap"]:
        boot = hidden["bootstrap"]
        table.add_row(
            f"{hidden['confidence']:.0%} bootstrap interval ({boot['method']})",
            f"{boot['low']:,}–{boot['high']:,}",
        )
    err_console.print(table)
    for note in hidden["notes"]:
        err_console.print(f"note: {note}", highlight=False, soft_wrap=True, markup=False)
    for warning in hidden["warnings"]:
        err_console.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False, soft_wrap=True)
