"""`adcensus synth` and `adcensus evaluate`: a synthetic census, and scores against truth."""

from __future__ import annotations

# This section keeps its own imports, so that it can be edited apart from the rest.
from datetime import date
from pathlib import Path

import typer
from rich.table import Table

from adcensus.cli.base import app, err_console, reports_errors
from adcensus.errors import UsageError
from adcensus.evaluate import evaluate_files
from adcensus.synth import CensusSpec, write_census
from adcensus.write import json_text

_SPEC = CensusSpec()  # the defaults shown by `adcensus synth --help`


def _iso_date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option} must be a date as YYYY-MM-DD, got {value!r}") from None


@app.command()
@reports_errors
def synth(
    out_dir: Path = typer.Argument(
        ..., metavar="OUT_DIR", help="Folder for ads.csv and truth.csv."
    ),
    ads: int = typer.Option(_SPEC.ads, "--ads", help="Number of ads."),
    persons: int = typer.Option(_SPEC.persons, "--persons", help="Number of true persons."),
    sites: int = typer.Option(_SPEC.sites, "--sites", help="Number of sites, all used."),
    start: str = typer.Option(_SPEC.start.isoformat(), "--start", help="First collection day."),
    end: str = typer.Option(_SPEC.end.isoformat(), "--end", help="Last collection day."),
    region: str = typer.Option(_SPEC.region, "--region", help="Cities: Pas-de-Calais or Nord."),
    agency_share: float = typer.Option(
        _SPEC.agency_share, "--agency-share", help="Share of persons posting through an agency."
    ),
    phone_change_rate: float = typer.Option(
        _SPEC.phone_change_rate, "--phone-change-rate", help="Share of persons who change phone."
    ),
    touring_rate: float = typer.Option(
        _SPEC.touring_rate, "--touring-rate", help="Share of persons posting from 2+ cities."
    ),
    common_name_share: float = typer.Option(
        _SPEC.common_name_share,
        "--common-name-share",
        help="Share of persons using a very common pseudonym.",
    ),
    obfuscation_rate: float = typer.Option(
        _SPEC.obfuscation_rate,
        "--obfuscation-rate",
        help="Share of ads hiding the number in the text (O6, words, emoji…).",
    ),
    missing_rate: float = typer.Option(
        _SPEC.missing_rate, "--missing-rate", help="Share of empty cells per optional column."
    ),
    edit_rate: float = typer.Option(
        _SPEC.edit_rate, "--edit-rate", help="Share of reposts whose text is edited."
    ),
    seed: int = typer.Option(_SPEC.seed, "--seed", help="Random seed: same seed, same files."),
    force: bool = typer.Option(False, "--force", help="Overwrite a non-empty OUT_DIR."),
) -> None:
    """Write a synthetic census with known truth: ads.csv (as analysts keep it) and truth.csv."""
    spec = CensusSpec(
        ads=ads,
        persons=persons,
        sites=sites,
        start=_iso_date(start, "--start"),
        end=_iso_date(end, "--end"),
        region=region,
        agency_share=agency_share,
        phone_change_rate=phone_change_rate,
        touring_rate=touring_rate,
        common_name_share=common_name_share,
        obfuscation_rate=obfuscation_rate,
        missing_rate=missing_rate,
        edit_rate=edit_rate,
        seed=seed,
    )
    ads_path, truth_path = write_census(spec, out_dir, force=force)
    err_console.print(
        f"wrote {spec.ads:,} ads by {spec.persons:,} persons on {spec.sites} sites to "
        f"[bold]{ads_path}[/] and their truth to [bold]{truth_path}[/] (all numbers fictional)",
        highlight=False,
        soft_wrap=True,
    )


@app.command()
@reports_errors
def evaluate(
    pred: Path = typer.Argument(
        ...,
        metavar="PRED",
        help="A dedupe output folder, a census store, or an ads.csv with person_id.",
    ),
    truth: Path = typer.Argument(..., metavar="TRUTH", help="truth.csv with ad_id, person_id."),
    key: str | None = typer.Option(
        None, "--key", help="Ad id column of PRED (default: the column whose role is ad_id)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the scores as JSON on stdout."),
) -> None:
    """Score a split of ads into persons against the truth: pairwise and B-cubed."""
    scores = evaluate_files(pred, truth, key=key)
    table = Table(title="adcensus evaluate", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_row("ads", f"{scores.ads:,}")
    table.add_row("persons (true)", f"{scores.persons_true:,}")
    table.add_row("persons (predicted)", f"{scores.persons_pred:,}")
    table.add_row("persons error", f"{scores.persons_error:+.1%}")
    for measure in ("pairwise", "bcubed"):
        label = "B-cubed" if measure == "bcubed" else measure
        for part in ("precision", "recall", "f1"):
            value = getattr(scores, f"{measure}_{part}")
            table.add_row(f"{label} {'F1' if part == 'f1' else part}", f"{value:.4f}")
    err_console.print(table)
    if as_json:
        typer.echo(json_text(scores.to_dict()), nl=False)
