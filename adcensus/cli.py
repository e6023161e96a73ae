"""The `adcensus` command line: parses options, calls the library, prints results.

No logic lives here that a Python user could not reach by importing adcensus.
Library errors (AdcensusError) become one line on stderr and an exit code:
2 for bad usage or unreadable input, 1 when the work failed.
"""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from adcensus import __version__
from adcensus.dedupe import dedupe_table, write_outputs
from adcensus.errors import AdcensusError, UsageError
from adcensus.read import parse_role_override, read_ads
from adcensus.settings import load_settings, parse_setting
from adcensus.write import json_text, prepare_out_dir

app = typer.Typer(
    name="adcensus",
    help="Count the distinct persons behind a file of online ads.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# stdout carries data only; everything meant for people goes to stderr.
err_console = Console(stderr=True)
_state: dict[str, bool] = {"debug": False}

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str, code: int) -> None:
    """Print a one-line error on stderr and exit with `code`."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def reports_errors(func: F) -> F:
    """Turn library errors into one line on stderr and an exit code (tracebacks with --debug)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except AdcensusError as exc:
            if _state["debug"]:
                raise
            fail(str(exc), exc.exit_code)
        except KeyboardInterrupt:
            err_console.print("interrupted: nothing was written.")
            raise typer.Exit(130) from None
        except (typer.Exit, typer.Abort):
            raise
        except Exception as exc:
            if _state["debug"]:
                raise
            fail(
                f"unexpected {type(exc).__name__}: {exc}. Run again with --debug for details "
                "and report it.",
                1,
            )

    return wrapper  # type: ignore[return-value]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"adcensus {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    debug: bool = typer.Option(False, "--debug", help="Show full tracebacks on errors."),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Count the distinct persons behind a file of online ads."""
    _state["debug"] = debug


STAGES = {
    "read": "Reading ads",
    "phones": "Finding phone numbers",
    "text": "Folding text",
    "block": "Finding candidate pairs",
    "compare": "Comparing pairs",
    "cluster": "Clustering persons",
    "write": "Writing outputs",
}


def _progress() -> Iterator[Callable[[str], None]]:
    """A stage reporter: a rich progress bar on a terminal, nothing otherwise."""
    if not err_console.is_terminal:
        yield lambda _stage: None
        return
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task("Starting", total=len(STAGES))
        order = list(STAGES)

        def advance(stage: str) -> None:
            done = order.index(stage) if stage in order else 0
            bar.update(task, description=STAGES.get(stage, stage) + "…", completed=done)

        yield advance


def _show_summary(summary: dict[str, Any], out_dir: Path | None) -> None:
    table = Table(title="adcensus dedupe", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_row("ads", f"{summary['ads']:,}")
    table.add_row("persons", f"{summary['persons']:,}")
    table.add_row("doublon rate", f"{summary['doublon_rate']:.1%}")
    table.add_row("networks", f"{summary['networks']:,}")
    table.add_row("ads without a phone", f"{summary['ads_without_phone']:,}")
    phones = summary["phones"]
    table.add_row(
        "phone numbers",
        f"{phones['distinct']:,} ({phones['fictional']:,} fictional, "
        f"{phones['unallocated']:,} unallocated)",
    )
    table.add_row("rows flagged while reading", f"{summary['flagged_rows']:,}")
    pairs = summary["pairs"]
    table.add_row("doubtful links to review", f"{pairs['doubtful'] + pairs['conflict']:,}")
    err_console.print(table)
    per_site = summary.get("ads_per_site") or {}
    if per_site:
        sites = Table()
        sites.add_column(f"site ({len(per_site)})")
        sites.add_column("ads", justify="right")
        shown = list(per_site.items())
        for name, count in shown[:10]:
            sites.add_row(name, f"{count:,}")
        if len(shown) > 10:
            sites.add_row(f"… {len(shown) - 10} more sites", f"{sum(c for _, c in shown[10:]):,}")
        err_console.print(sites)
    if out_dir is not None:
        err_console.print(
            f"written to [bold]{out_dir}[/]/ (ads.csv, persons.csv, pairs.csv, summary.json)"
        )


def _show_roles(roles: dict[str, str]) -> None:
    mapped = ", ".join(f"{role} ← {header!r}" for role, header in roles.items())
    err_console.print(f"columns: {mapped}", highlight=False)


@app.command()
@reports_errors
def dedupe(
    inputs: list[str] = typer.Argument(
        ...,
        metavar="INPUT...",
        help="Ad files (CSV/TSV, XLSX, JSON lines or array, Parquet); - reads CSV from stdin.",
    ),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Output folder (default: <first input name>-adcensus/)."
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite a non-empty output folder."),
    col_specs: list[str] = typer.Option(
        [],
        "--col",
        metavar="ROLE=HEADER",
        help="Give a column its role, e.g. --col phone='N° tel'. Repeatable.",
    ),
    region: str | None = typer.Option(
        None, "--region", help="Country for numbers written without +CC (default: FR)."
    ),
    threshold: float | None = typer.Option(
        None,
        "--threshold",
        min=0.0,
        max=1.0,
        help="Link pairs scoring at least this (default: 0.8).",
    ),
    set_specs: list[str] = typer.Option(
        [],
        "--set",
        metavar="NAME=VALUE",
        help="Change one linking setting, e.g. --set w_phone_shared=5. Repeatable.",
    ),
    config: Path | None = typer.Option(
        None, "--config", help="Settings file (default: ./adcensus.toml when present)."
    ),
    delimiter: str | None = typer.Option(
        None,
        "--delimiter",
        "-d",
        help="Delimiter of CSV inputs (default: detected; 'tab' for tabs).",
    ),
    encoding: str | None = typer.Option(
        None, "--encoding", "-e", help="Encoding of CSV inputs, e.g. cp1252 (default: detected)."
    ),
    sheet: str | None = typer.Option(
        None, "--sheet", help="XLSX sheet, by name or 1-based number (default: first non-empty)."
    ),
    out_delimiter: str = typer.Option(
        ";",
        "--out-delimiter",
        help="Delimiter of the CSV outputs: ; (Excel in French), , or tab.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print summary.json on stdout."),
    store: Path | None = typer.Option(
        None,
        "--store",
        help="Add the ads to this census store (created if missing); --out then also exports.",
    ),
    decisions_file: Path | None = typer.Option(
        None,
        "--decisions",
        help="Reviewed decisions to obey (default: review.jsonl of the output folder, if any).",
    ),
    pseudonymize: bool = typer.Option(
        False, "--pseudonymize", help="Write keyed tokens for phones, urls and pseudonyms."
    ),
    key_file: Path | None = typer.Option(
        None, "--key-file", help="Key for --pseudonymize (default: $ADCENSUS_KEY, then keygen's)."
    ),
    drop_text: bool = typer.Option(
        False, "--drop-text", help="With --pseudonymize, drop the title and text columns."
    ),
) -> None:
    """Find the distinct persons behind ad files, and write ads, persons, pairs and a summary."""
    key = _privacy_key(pseudonymize, key_file, drop_text, store is not None)
    columns = dict(parse_role_override(spec) for spec in col_specs)
    out_delimiter = "\t" if out_delimiter.lower() in ("tab", "\\t") else out_delimiter
    if out_delimiter not in (";", ",", "\t"):
        raise UsageError(f"--out-delimiter must be ; , or tab, got {out_delimiter!r}")
    settings = load_settings(config).with_overrides(**dict(parse_setting(x) for x in set_specs))
    settings = settings.with_overrides(
        region=region.upper() if region else None, link_threshold=threshold
    )
    if store is not None:
        read_options = {"sheet": sheet, "delimiter": delimiter, "encoding": encoding}
        store_decisions = _review_decisions(decisions_file, decisions_path_for(store))
        _dedupe_into_store(
            store,
            inputs,
            columns,
            settings,
            read_options,
            out,
            force,
            out_delimiter,
            as_json,
            store_decisions,
        )
        return
    first = inputs[0]
    out_dir = out or Path(("stdin" if first == "-" else Path(first).stem) + "-adcensus")
    prepare_out_dir(out_dir, force)
    decisions = _review_decisions(decisions_file, out_dir / DECISIONS_FILE)
    with contextlib.contextmanager(_progress)() as progress:
        progress("read")
        table = read_ads(inputs, columns, sheet=sheet, delimiter=delimiter, encoding=encoding)
        for note in table.notes:
            err_console.print(note, highlight=False, markup=False)
        _show_roles(table.roles)
        result = dedupe_table(table, settings, progress, decisions)
        if key is not None:
            result = pseudonymize_result(result, key, drop_text)
        progress("write")
        write_outputs(result, out_dir, force=True, delimiter=out_delimiter)
    _show_summary(result.summary, out_dir)
    if as_json:
        typer.echo(json_text(result.summary), nl=False)


# ---- estimate command: see adcensus/estimate/ and adcensus/mse/ ----------------------------


@app.command()
@reports_errors
def estimate(
    directory: Path | None = typer.Argument(
        None, metavar="DIR", help="A folder written by `adcensus dedupe`."
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
        None, "--lists", help="Lists for --hidden: site (default), month, or a column of ads.csv."
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
        "auto", "--search", help="Models tried: auto, exhaustive or stepwise."
    ),
    p_threshold: float | None = typer.Option(
        None,
        "--p-threshold",
        help="Stepwise: add an interaction only if its p-value is at most this.",
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
        found = estimate_hidden(table, confidence, **model, bootstrap=bootstrap or 0, seed=seed)
        data = found.to_dict()
        _show_hidden(data)
        _emit(data, as_json, data["total"])
    elif directory is not None:
        result = estimate_from_output(
            directory,
            confidence,
            delta,
            replicates=bootstrap or 1000,
            seed=seed,
            hidden_lists=(lists or "site") if hidden else None,
            hidden_bootstrap=bootstrap or 0,
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
        err_console.print(f"note: {note}", highlight=False, soft_wrap=True)
    if data["hidden"] is not None:
        _show_hidden(data["hidden"])


def _show_hidden(hidden: dict[str, Any]) -> None:
    table = Table(
        title=f"hidden total ({hidden['method']})", show_header=False, title_justify="left"
    )
    table.add_column(style="bold")
    table.add_column(justify="right")
    for name, size in hidden["list_sizes"].items():
        table.add_row(f"persons on {name}", f"{size:,}")
    table.add_row("persons seen (any list)", f"{hidden['observed']:,}")
    table.add_row("persons on 2+ lists", f"{hidden['on_several_lists']:,}")
    if hidden["model"]:
        table.add_row("model", hidden["model"])
    high = "no upper limit" if hidden["total_high"] is None else f"{hidden['total_high']:,}"
    table.add_row("estimated total (seen + unseen)", f"{hidden['total']:,}")
    table.add_row(
        f"{hidden['confidence']:.0%} interval ({hidden['interval_method']})",
        f"{hidden['total_low']:,}–{high}",
    )
    if hidden["bootstrap"]:
        boot = hidden["bootstrap"]
        table.add_row("bootstrap interval", f"{boot['low']:,}–{boot['high']:,}")
    err_console.print(table)
    for note in hidden["notes"]:
        err_console.print(f"note: {note}", highlight=False, soft_wrap=True)
    for warning in hidden["warnings"]:
        err_console.print(f"[yellow]warning:[/] {warning}", highlight=False, soft_wrap=True)


# ---- end of estimate command ---------------------------------------------------------------


# ---- synth and evaluate commands: see adcensus/synth.py, adcensus/evaluate.py --------------
# This section keeps its own imports, so that it can be edited apart from the rest.

from datetime import date  # noqa: E402

from adcensus.evaluate import evaluate_files  # noqa: E402
from adcensus.synth import CensusSpec, write_census  # noqa: E402

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
        ..., metavar="PRED", help="A dedupe output folder, or an ads.csv with person_id."
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


# ---- end of synth and evaluate commands ----------------------------------------------------


# ---- store and tally commands: see adcensus/store/, adcensus/tally.py ----------------------
# This section keeps its own imports, so that it can be edited apart from the rest.

from rich.console import Console as _Console  # noqa: E402
from rich.markup import escape  # noqa: E402

from adcensus.settings import Settings  # noqa: E402
from adcensus.store import LoadResult, export_store, load_into_store, store_info  # noqa: E402
from adcensus.tally import FORMATS, parse_day, read_source, render  # noqa: E402
from adcensus.tally import tally as tally_counts  # noqa: E402

store_app = typer.Typer(
    help="Look into a census store made by `adcensus dedupe --store`, or export it.",
    no_args_is_help=True,
)
app.add_typer(store_app, name="store")

_STORE_STAGES = {
    "store": "Reading the census store",
    "reconcile": "Keeping person ids stable",
    "commit": "Saving the census store",
}


def _dedupe_into_store(
    store: Path,
    inputs: list[str],
    columns: dict[str, str],
    settings: Settings,
    read_options: dict[str, str | None],
    out: Path | None,
    force: bool,
    out_delimiter: str,
    as_json: bool,
    decisions: Any = None,
) -> None:
    """`adcensus dedupe INPUT... --store PATH`: one load into the store; with --out, export."""
    if out is not None:
        prepare_out_dir(out, force)  # refuse a non-empty folder before the load, not after
    with contextlib.contextmanager(_progress)() as progress:
        loaded = load_into_store(
            store,
            inputs,
            settings,
            columns,
            lambda stage: progress(_STORE_STAGES.get(stage, stage)),
            sheet=read_options["sheet"],
            delimiter=read_options["delimiter"],
            encoding=read_options["encoding"],
            decisions=decisions,
        )
    for note in loaded.notes:
        err_console.print(note, highlight=False, markup=False)
    for file in loaded.files:
        _show_roles(file.roles)
    _show_load(loaded)
    if out is not None:
        export_store(store, out, force=True, delimiter=out_delimiter)
        err_console.print(
            f"exported to [bold]{escape(str(out))}[/]/ (ads.csv, persons.csv, pairs.csv, summary.json)"
        )
    if as_json:
        typer.echo(json_text({**loaded.summary, "load": loaded.to_dict()}), nl=False)


def _show_load(loaded: LoadResult) -> None:
    files = Table(title=f"adcensus dedupe → {escape(str(loaded.store))}", title_justify="left")
    for name in ("file", "rows", "added", "already in the store"):
        files.add_column(name, justify="left" if name == "file" else "right")
    for file in loaded.files:
        files.add_row(
            escape(file.path), f"{file.rows:,}", f"{file.added:,}", f"{file.duplicates:,}"
        )
    err_console.print(files)
    if loaded.load_id is None:
        err_console.print(
            f"nothing added: every row is already in {loaded.store}", markup=False, highlight=False
        )
        return
    table = Table(title=f"load {loaded.load_id}", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_row("ads in the store", f"{loaded.ads:,}")
    table.add_row("persons", f"{loaded.persons:,}")
    table.add_row("new persons", f"{loaded.persons_new:,}")
    table.add_row("merges of known persons", f"{loaded.merges:,}")
    table.add_row("splits of known persons", f"{loaded.splits:,}")
    table.add_row("stored ads moved to another person", f"{loaded.ads_moved:,}")
    err_console.print(table)


@store_app.command("info")
@reports_errors
def store_info_command(
    store: Path = typer.Argument(..., metavar="STORE", help="A census store file."),
    as_json: bool = typer.Option(False, "--json", help="Print the description as JSON on stdout."),
) -> None:
    """What a census store holds: ads, persons, merges, splits, dates and each load."""
    info = store_info(store)
    table = Table(
        title=f"adcensus store {escape(str(store))}", show_header=False, title_justify="left"
    )
    table.add_column(style="bold")
    table.add_column(justify="right")
    for label, key in (
        ("ads", "ads"),
        ("persons", "persons"),
        ("person ids given", "person_ids_given"),
        ("person ids merged into another", "person_ids_merged"),
        ("networks", "networks"),
        ("merges", "merges"),
        ("splits", "splits"),
        ("ads without a date", "ads_without_date"),
    ):
        table.add_row(label, f"{info[key]:,}")
    table.add_row("doublon rate", f"{info['doublon_rate']:.1%}")
    table.add_row("ads dated", f"{info['first_ad_date']} to {info['last_ad_date']}")
    table.add_row("created", f"{info['created_at']} ({info['created_by']})")
    table.add_row("size", f"{info['size_bytes'] / 1e6:,.1f} MB")
    err_console.print(table)
    loads = Table(title="loads", title_justify="left")
    for name in ("load", "finished", "files", "added", "new persons", "merges", "splits"):
        loads.add_column(name, justify="left" if name == "files" else "right")
    for load in info["load_history"]:
        loads.add_row(
            str(load["load_id"]),
            str(load["finished_at"]),
            escape(", ".join(f["path"] for f in load["files"])),
            f"{load['added']:,}",
            f"{load['persons_new']:,}",
            f"{load['merges']:,}",
            f"{load['splits']:,}",
        )
    err_console.print(loads)
    if as_json:
        typer.echo(json_text(info), nl=False)


@store_app.command("export")
@reports_errors
def store_export_command(
    store: Path = typer.Argument(..., metavar="STORE", help="A census store file."),
    out: Path = typer.Option(..., "--out", "-o", help="Output folder."),
    force: bool = typer.Option(False, "--force", help="Overwrite a non-empty output folder."),
    out_delimiter: str = typer.Option(
        ";", "--out-delimiter", help="Delimiter of the CSV outputs: ; (Excel in French), , or tab."
    ),
    pseudonymize: bool = typer.Option(
        False, "--pseudonymize", help="Write keyed tokens for phones, urls and pseudonyms."
    ),
    key_file: Path | None = typer.Option(
        None, "--key-file", help="Key for --pseudonymize (default: $ADCENSUS_KEY, then keygen's)."
    ),
    drop_text: bool = typer.Option(
        False, "--drop-text", help="With --pseudonymize, drop the title and text columns."
    ),
) -> None:
    """Write a store's ads, persons, pairs and summary, the files `adcensus dedupe` writes."""
    out_delimiter = "\t" if out_delimiter.lower() in ("tab", "\\t") else out_delimiter
    if out_delimiter not in (";", ",", "\t"):
        raise UsageError(f"--out-delimiter must be ; , or tab, got {out_delimiter!r}")
    key = _privacy_key(pseudonymize, key_file, drop_text)
    prepare_out_dir(out, force)
    if key is not None:
        export_store_pseudonymized(store, out, key, True, out_delimiter, drop_text)
    else:
        export_store(store, out, force=True, delimiter=out_delimiter)
    err_console.print(
        f"exported {escape(str(store))} to [bold]{escape(str(out))}[/]/ (ads.csv, persons.csv, pairs.csv, summary.json)"
    )


@app.command()
@reports_errors
def tally(
    source: Path = typer.Argument(
        ..., metavar="SOURCE", help="A census store, a dedupe output folder, or an ad file."
    ),
    by: list[str] = typer.Option(
        [],
        "--by",
        help="Group by month, week, site, city, network or any column; repeat to combine.",
    ),
    since: str | None = typer.Option(
        None, "--since", help="First day counted: YYYY-MM-DD or YYYY-MM."
    ),
    until: str | None = typer.Option(
        None, "--until", help="Last day counted: YYYY-MM-DD or YYYY-MM."
    ),
    fmt: str | None = typer.Option(
        None,
        "--format",
        "-f",
        help="table, csv, json or markdown (default: table on a terminal, csv otherwise).",
    ),
    out_delimiter: str = typer.Option(",", "--out-delimiter", help="Delimiter of --format csv."),
    col_specs: list[str] = typer.Option(
        [], "--col", metavar="ROLE=HEADER", help="With an ad file: give a column its role."
    ),
    config: Path | None = typer.Option(
        None, "--config", help="With an ad file: settings file (default: ./adcensus.toml)."
    ),
) -> None:
    """Counts per month, week, site, city or network: ads, persons, new, returning, touring."""
    fmt = (fmt or ("table" if sys.stdout.isatty() else "csv")).lower()
    if fmt not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    out_delimiter = "\t" if out_delimiter.lower() in ("tab", "\\t") else out_delimiter
    if len(out_delimiter) != 1:
        raise UsageError(f"--out-delimiter must be one character, got {out_delimiter!r}")
    first = parse_day(since, "--since") if since else None
    last = parse_day(until, "--until", end=True) if until else None
    if first and last and first > last:
        raise UsageError(f"--since {since} is after --until {until}; swap them")
    columns = dict(parse_role_override(spec) for spec in col_specs)
    with contextlib.contextmanager(_progress)() as progress:
        data, keys = read_source(source, by, load_settings(config), columns, progress)
    counts = tally_counts(data, keys, first, last)
    if counts.empty or not counts["ads"].sum():
        err_console.print(
            f"[yellow]warning:[/] no ads in {escape(str(source))} for these dates", highlight=False
        )
    if fmt != "table":
        typer.echo(render(counts, fmt, out_delimiter), nl=False)
        return
    total = tally_counts(data, [], first, last) if keys else None
    _Console(highlight=False).print(_tally_table(counts, keys, total, source))


_TALLY_HEADERS = {
    "doublon_rate": "doublon\nrate",
    "new_persons": "new",
    "returning_persons": "returning",
    "touring_persons": "touring",
    "persons_in_networks": "in\nnetworks",
}


def _tally_table(counts: Any, keys: list[str], total: Any, source: Path) -> Table:
    table = Table(
        title=f"adcensus tally {escape(source.name)}",
        title_justify="left",
        box=None,
        pad_edge=False,
    )
    names = list(counts.columns)
    for position, name in enumerate(names):
        if position < len(keys):
            table.add_column(name, no_wrap=True)
        else:
            table.add_column(_TALLY_HEADERS.get(name, name), justify="right")

    def cells(row: dict[str, Any]) -> list[str]:
        shown = []
        for name in names:
            value = row.get(name)
            if name == "doublon_rate":
                shown.append(f"{value:.1%}")
            elif isinstance(value, int):
                shown.append(f"{value:,}")
            else:
                shown.append("(none)" if value is None or value != value else escape(str(value)))
        return shown

    for row in counts.astype(object).to_dict("records"):
        table.add_row(*cells(row))
    if total is not None and len(total):
        row = total.astype(object).to_dict("records")[0]
        table.add_row("all", *[""] * (len(keys) - 1), *cells(row)[len(keys) :], style="bold")
    return table


# ---- end of store and tally commands -------------------------------------------------------


# ---- review command: see adcensus/review/ --------------------------------------------------
# This section keeps its own imports, so that it can be edited apart from the rest.

from rich.markup import escape as _escape  # noqa: E402

from adcensus.decisions import (  # noqa: E402
    DECISIONS_FILE,
    decisions_path_for,
    load_decisions,
)


def _review_decisions(given: Path | None, default: Path) -> Any:
    """The decisions `adcensus dedupe` obeys: --decisions FILE (or DIR), else `default` if there.

    `default` is OUT/review.jsonl for an output folder, STORE.review.jsonl for a store.
    """
    path = given / DECISIONS_FILE if given is not None and given.is_dir() else given
    if path is None and default.is_file():
        path = default
    if path is None:
        return None
    decisions = load_decisions(path)
    counts = decisions["decision"].value_counts()
    err_console.print(
        f"obeying {len(decisions):,} reviewed decisions from {_escape(str(path))} "
        f"({int(counts.get('y', 0)):,} same person, {int(counts.get('n', 0)):,} different)"
        + ("" if given is not None else "; give --decisions FILE to use another file"),
        highlight=False,
        soft_wrap=True,
    )
    return decisions


@app.command()
@reports_errors
def review(
    directory: Path = typer.Argument(
        ..., metavar="DIR", help="A folder written by `adcensus dedupe`, or a census store."
    ),
    sample: int | None = typer.Option(
        None,
        "--sample",
        min=1,
        metavar="N",
        help="Review a random sample of N links (not only doubtful ones) to measure precision.",
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of the --sample draw."),
    show_phones: bool = typer.Option(
        False, "--show-phones", help="Show phone numbers in full (masked by default)."
    ),
    export: Path | None = typer.Option(
        None, "--export", metavar="FILE.xlsx", help="Write the pairs to a spreadsheet instead."
    ),
    import_file: Path | None = typer.Option(
        None, "--import", metavar="FILE.xlsx", help="Read the decisions of such a spreadsheet."
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing --export file."),
) -> None:
    """Look at doubtful links two ads side by side and decide; the next dedupe obeys."""
    from adcensus.review import (
        build_queue,
        export_review,
        import_review,
        open_source,
        pending,
        run_review,
    )

    if export is not None and import_file is not None:
        raise UsageError("give --export or --import, not both")
    if import_file is not None and sample is not None:
        raise UsageError("--import takes each row's mode from the sheet; drop --sample")
    source = open_source(directory)
    where = _escape(str(source.decisions_path))
    if import_file is not None:
        imported = import_review(import_file, source)
        saved = imported.saved
        err_console.print(
            f"{sum(saved.values()):,} decisions imported to {where} ({saved['y']:,} same "
            f"person, {saved['n']:,} different, {saved['s']:,} skip); {imported.unchanged:,} "
            f"unchanged, {imported.empty:,} rows without a decision",
            highlight=False,
            soft_wrap=True,
        )
        _review_next_step(source)
        return
    mode, pairs = build_queue(source, sample, seed)
    if export is not None:
        written = export_review(source, pairs, mode, export, show_phones, force)
        err_console.print(
            f"wrote {written:,} pairs ({mode} mode) to [bold]{_escape(str(export))}[/]; choose "
            f"a decision on each row, then: adcensus review {_escape(str(directory))} "
            f"--import {_escape(str(export))}",
            highlight=False,
            soft_wrap=True,
        )
        return
    todo = pending(pairs)
    if not pairs:
        err_console.print(
            f"no pairs to review in {_escape(str(directory))}.", highlight=False, soft_wrap=True
        )
        return
    if not todo:
        err_console.print(
            f"nothing left to review: {len(pairs):,} pairs, all decided in {where}.",
            highlight=False,
            soft_wrap=True,
        )
        _review_next_step(source)
        return
    outcome = run_review(source, todo, mode, err_console, show_phones)
    if outcome.finished:
        err_console.print(
            f"done: {_count_decisions(outcome.decided)} saved to {where} "
            f"({outcome.skipped:,} skipped, shown again next time).",
            highlight=False,
            soft_wrap=True,
        )
        _review_next_step(source)
    else:
        err_console.print(
            f"{_count_decisions(outcome.decided)} saved to {where}; {outcome.left:,} pairs left; "
            "run again to resume.",
            highlight=False,
            soft_wrap=True,
        )


def _count_decisions(count: int) -> str:
    return f"{count:,} decision" + ("" if count == 1 else "s")


def _review_next_step(source: Any) -> None:
    """Say how the decisions reach the counts."""
    if source.is_store:
        err_console.print(
            "loads into a store do not apply reviewed decisions yet; they are kept for when "
            "they do.",
            highlight=False,
            soft_wrap=True,
        )
        return
    inputs = " ".join(_escape(i) for i in source.inputs) or "INPUT..."
    err_console.print(
        f"apply them: adcensus dedupe {inputs} --out {_escape(str(source.location))} --force "
        "(with the options of the first run)",
        highlight=False,
        soft_wrap=True,
    )


# ---- end of review command -----------------------------------------------------------------


# ---- report command: see adcensus/report/ --------------------------------------------------


@app.command()
@reports_errors
def report(
    directory: Path = typer.Argument(
        ..., metavar="DIR", help="A folder written by `adcensus dedupe`, or a census store."
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        "-o",
        help="HTML file to write (default: DIR/rapport.html in French, DIR/report.html in English).",
    ),
    lang: str | None = typer.Option(
        None, "--lang", help="fr or en (default: fr where the locale is French, else en)."
    ),
    min_count: int = typer.Option(
        1, "--min-count", help="Write counts below this as '< K', so no person can be singled out."
    ),
    show_identifiers: bool = typer.Option(
        False,
        "--show-identifiers",
        help="Also show pseudonyms and phone numbers (never by default).",
    ),
    png: Path | None = typer.Option(
        None, "--png", metavar="DIR", help="Also write each chart as a PNG there (needs Chromium)."
    ),
) -> None:
    """Write a self-contained HTML report with charts, in French or English, that opens offline."""
    from adcensus.report import build_report, default_output, write_report

    built = build_report(directory, lang, min_count, show_identifiers)
    target = out or default_output(directory, built.lang)
    written = write_report(built, target, png)
    pngs = len(written) - 1
    extra = f" and {pngs} PNG charts to [bold]{png}[/]" if png is not None else ""
    err_console.print(
        f"wrote the report to [bold]{target}[/] ({len(built.charts)} charts){extra}",
        highlight=False,
        soft_wrap=True,
    )


# ---- end of report command -----------------------------------------------------------------


# ---- privacy commands: see adcensus/privacy.py and adcensus/store/forget.py ---------------

from adcensus.privacy import (  # noqa: E402
    default_key_file,
    export_store_pseudonymized,
    generate_key,
    load_key,
    pseudonymize_result,
)
from adcensus.store.forget import forget as forget_in_store  # noqa: E402


def _privacy_key(
    pseudonymize: bool, key_file: Path | None, drop_text: bool, with_store: bool = False
) -> bytes | None:
    """The key for --pseudonymize (None without it); refuses options that would do nothing."""
    if not pseudonymize:
        if key_file is not None or drop_text:
            raise UsageError("--key-file and --drop-text go with --pseudonymize")
        return None
    if with_store:
        raise UsageError(
            "--pseudonymize does not apply to --store: the store keeps the numbers to link "
            "next month's ads; export it with `adcensus store export STORE -o DIR --pseudonymize`"
        )
    return load_key(key_file)


@app.command()
@reports_errors
def keygen(
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Key file to write (default: ~/.config/adcensus/key)."
    ),
    force: bool = typer.Option(False, "--force", help="Replace an existing key file."),
) -> None:
    """Make a secret key for --pseudonymize, in a file only you can read (mode 0600)."""
    path = generate_key(out if out is not None else default_key_file(), force=force)
    typer.echo(str(path))
    err_console.print(
        f"key written to {path} (readable by you only). Keep it secret and backed up: the "
        "same key links this month's tokens with next month's; anyone holding it can test "
        "a phone number against the tokens.",
        markup=False,
        highlight=False,
    )


@store_app.command("forget")
@reports_errors
def store_forget_command(
    store: Path = typer.Argument(..., metavar="STORE", help="A census store file."),
    phones: list[str] = typer.Option(
        [], "--phone", metavar="NUMBER", help="Forget the persons showing this number. Repeatable."
    ),
    persons: list[str] = typer.Option(
        [], "--person", metavar="ID", help="Forget this person id, e.g. P000012. Repeatable."
    ),
    region: str = typer.Option(
        "FR", "--region", help="Country for numbers written without +CC (default: FR)."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Say what would go; change nothing."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
) -> None:
    """Delete persons and all their ads from a store, in one transaction, then vacuum it."""
    planned = forget_in_store(store, phones, persons, region.upper(), dry_run=True)
    what = f"{planned.persons:,} person id(s) and {planned.ads:,} ad(s)"
    if dry_run:
        err_console.print(f"would forget {what} from {store}", markup=False, highlight=False)
        return
    if not yes:
        if not sys.stdin.isatty():
            raise UsageError(f"this forgets {what}; add --yes to confirm without a question")
        typer.confirm(f"Forget {what} from {store}? This cannot be undone", abort=True, err=True)
    done = forget_in_store(store, phones, persons, region.upper())
    err_console.print(
        f"forgot {done.persons:,} person id(s) and {done.ads:,} ad(s) from {store}; "
        "delete them from the source files too, or the next load adds them again",
        markup=False,
        highlight=False,
    )


# ---- end of privacy commands ---------------------------------------------------------------


if __name__ == "__main__":  # pragma: no cover
    app(prog_name="adcensus")
    sys.exit(0)
