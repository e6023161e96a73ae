"""`adcensus report`: formats by language, privacy, escaping, and a look in headless Chromium."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date
from html import unescape
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from adcensus.cli import app
from adcensus.dedupe import dedupe
from adcensus.outputs import write_outputs
from adcensus.report import build_report, write_report
from adcensus.report.browser import check_page, find_browser, screenshot_page
from adcensus.report.charts import (
    BasePlace,
    Counts,
    MapPoint,
    Series,
    bar_chart,
    column_chart,
    point_map,
    text_box,
)
from adcensus.report.data import by_month, counts_by, moves
from adcensus.report.geo import locate
from adcensus.report.i18n import NNBSP, check_language, day, month, number, percent
from adcensus.report.texts import say

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample" / "ads.csv"
runner = CliRunner()


@pytest.fixture(scope="module")
def sample_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped sample, deduplicated once for the whole module."""
    out = tmp_path_factory.mktemp("sample") / "sample-adcensus"
    write_outputs(dedupe([SAMPLE]), out)
    return out


@pytest.fixture(scope="module")
def report_fr(sample_output: Path) -> str:
    return build_report(sample_output, lang="fr").html


def _chromium() -> str:
    found = find_browser()
    if found is None:
        pytest.skip("Chromium not found (.ci/run installs it: apt-get install chromium)")
    return found


def _visible_text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


# ---- numbers and dates by language ---------------------------------------------------------


def test_numbers_and_dates_in_french_and_english() -> None:
    assert percent(0.609, "fr") == f"60,9{NNBSP}%"
    assert percent(0.609, "en") == "60.9%"
    assert number(12345, "fr") == f"12{NNBSP}345"
    assert number(12345, "en") == "12,345"
    assert number(0.85, "fr", 2) == "0,85"
    assert day(date(2018, 12, 11), "fr") == "11 déc. 2018"
    assert day(date(2018, 12, 11), "en") == "11 Dec 2018"
    assert month(2018, 8, "fr", short=False) == "août 2018"


def test_language_follows_the_locale_unless_given(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    assert check_language(None) == "fr"
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert check_language(None) == "en"
    assert check_language("FR") == "fr"


# ---- tables and charts from small inputs ---------------------------------------------------


def _ads(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["person_id", "site", "city", "date"])
    frame["date"] = pd.to_datetime(frame["date"])
    frame["month"] = frame["date"].dt.strftime("%Y-%m")
    return frame


def test_counts_months_and_moves() -> None:
    ads = _ads(
        [
            ("P1", "a.test", "Lens", "2018-09-02"),
            ("P1", "b.test", "Arras", "2018-11-05"),
            ("P2", "a.test", "Lens", "2018-11-06"),
            ("P2", "a.test", "Lens", "2018-11-07"),
        ]
    )
    cities = counts_by(ads, "city")
    assert cities.to_dict("records") == [
        {"label": "Lens", "ads": 3, "persons": 2},
        {"label": "Arras", "ads": 1, "persons": 1},
    ]
    months = by_month(ads)
    assert months["month"].tolist() == ["2018-09", "2018-10", "2018-11"]  # gap kept
    assert months["new"].tolist() == [1, 0, 1]
    assert months["returning"].tolist() == [0, 0, 1]
    assert moves(ads).to_dict("records") == [{"from": "Lens", "to": "Arras", "persons": 1}]


def test_small_counts_are_hidden_and_labels_escaped() -> None:
    counts = Counts(lambda v: number(v, "fr"), min_count=3, below="< 3")
    svg = bar_chart(
        "c",
        "t",
        ["<img src=x onerror=alert(1)>", "Lens"],
        [Series("Annonces", [2, 40], "#000")],
        counts,
    )
    assert "<img" not in svg and "&lt;img src=x" in svg
    assert "< 3" not in svg and "&lt; 3" in svg  # shown, escaped
    assert 'width="0"' in svg  # a hidden count draws no bar
    assert "NaN" not in svg


@pytest.mark.parametrize(
    ("peak", "ticks"),
    [
        (10, ["0", "3", "6", "9", "12"]),  # not "0, 2, 5, 8, 10" (2.5 rounded)
        (3, ["0", "1", "2", "3", "4"]),
        (1, ["0", "1", "2", "3", "4"]),
        (150, ["0", "40", "80", "120", "160"]),
    ],
)
def test_count_axes_have_whole_evenly_spaced_ticks(peak: int, ticks: list[str]) -> None:
    counts = Counts(lambda v: number(v, "en"))
    svg = column_chart("c", "t", ["a", "b"], [Series("Ads", [peak, 1], "#000")], counts)
    assert re.findall(r'text-anchor="end" font-size="10"[^>]*>([^<]*)<', svg) == ticks


def _map_parts(svg: str) -> tuple[list[tuple[float, ...]], list[tuple[float, ...]]]:
    """The boxes of the names and the circles (x, y, r) of a map, as the SVG places them."""
    names = [
        text_box(float(x), float(y), anchor, unescape(name))
        for x, y, anchor, name in re.findall(
            r'<text x="([-\d.]+)" y="([-\d.]+)" text-anchor="(\w+)"[^>]*class="place"[^>]*>'
            r"([^<]*)</text>",
            svg,
        )
    ]
    circles = [
        tuple(map(float, c))
        for c in re.findall(r'<circle cx="([-\d.]+)" cy="([-\d.]+)" r="([-\d.]+)"', svg)
    ]
    return names, circles


def test_map_names_fit_biggest_first_without_overlap() -> None:
    # a knot: 30 communes with long names within a few kilometres, one far away
    points = [
        MapPoint(
            f"Commune-numero-{i}-sur-Mer", 50.40 + 0.01 * (i % 6), 2.80 + 0.012 * (i // 6), 40 - i
        )
        for i in range(30)
    ]
    points.append(MapPoint("Paris", 48.85, 2.35, 1))
    counts = Counts(lambda v: number(v, "fr"))
    svg = point_map("m", "t", points, [], counts, lambda unit, n: unit)
    names, circles = _map_parts(svg)
    assert 5 <= len(names) < 31  # some fit, not all
    assert "Commune-numero-0-sur-Mer" in svg.split('class="place"', 1)[1]  # biggest first
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            assert not (
                a[0] < b[0] + b[2]
                and b[0] < a[0] + a[2]
                and a[1] < b[1] + b[3]
                and b[1] < a[1] + a[3]
            )
        for cx, cy, r in circles:
            nearest = (min(max(cx, a[0]), a[0] + a[2]), min(max(cy, a[1]), a[1] + a[3]))
            assert (cx - nearest[0]) ** 2 + (cy - nearest[1]) ** 2 >= (r - 0.5) ** 2


def test_map_base_tints_departements_from_the_gazetteer() -> None:
    base = [
        BasePlace(50.0 + 0.05 * i, 2.0 + 0.05 * j, "62 Pas-de-Calais" if j < 10 else "59 Nord")
        for i in range(20)
        for j in range(20)
    ]
    counts = Counts(lambda v: number(v, "fr"))
    points = [MapPoint("Arras", 50.29, 2.78, 5), MapPoint("Lille", 50.63, 3.06, 3)]
    svg = point_map("m", "t", points, [], counts, lambda unit, n: unit, base)
    assert svg.count('<path d="M') >= 3  # two shades and the line between them
    assert re.findall(r'class="area"><title>([^<]*)</title>', svg) == [
        "62 Pas-de-Calais",
        "59 Nord",
    ]
    assert "NaN" not in svg
    assert point_map("m", "t", points, [], counts, lambda unit, n: unit).count("<path") == 0


def test_the_sample_map_has_a_base_and_stays_small(report_fr: str) -> None:
    svg = re.search(r'<svg id="chart-map".*?</svg>', report_fr, re.S).group()
    assert 'class="area"' in svg and '<path d="M' in svg
    assert len(svg) < 150_000
    assert "sans fond de carte" not in report_fr


def test_communes_are_placed_offline_with_their_departement() -> None:
    places = locate([("Lens", 40), ("Dunkerque", 10), ("Nowhere-sur-Rien", 3)])
    assert places["Lens"].department == "62 Pas-de-Calais"
    assert places["Dunkerque"].department == "59 Nord"  # "Dunkirk" in GeoNames
    assert 50.9 < places["Dunkerque"].lat < 51.1
    assert "Nowhere-sur-Rien" not in places


SPELLINGS = ROOT / "tests" / "data" / "report" / "city_spellings.csv"


@pytest.fixture(scope="module")
def spellings_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One commune written several ways: "Calais", "CALAIS", "calais ", "St Omer"…"""
    out = tmp_path_factory.mktemp("spellings") / "out"
    write_outputs(dedupe([SPELLINGS]), out)
    return out


def test_spellings_of_a_commune_are_one_bar_and_no_move(spellings_output: Path) -> None:
    report = build_report(spellings_output, lang="en")
    cities = counts_by(report.data.ads, "city")
    assert cities.to_dict("records") == [
        {"label": "Calais", "ads": 3, "persons": 1},
        {"label": "Saint-Omer", "ads": 3, "persons": 2},
        {"label": "Boulogne sur mer", "ads": 2, "persons": 1},
    ]
    assert moves(report.data.ads).empty  # Calais -> CALAIS is not a tour
    assert "CALAIS" not in report.html and "St Omer" not in report.html
    assert "not placed" not in report.html  # "Boulogne sur mer" is on the map
    assert "62 Pas-de-Calais" in report.html


def test_persons_csv_writes_a_commune_once(spellings_output: Path) -> None:
    persons = pd.read_csv(
        spellings_output / "persons.csv", sep=";", encoding="utf-8-sig", dtype=str
    )
    assert sorted(persons["cities"]) == ["Boulogne sur mer", "Calais", "Saint-Omer", "Saint-Omer"]


ONE_AD = """Réf;Site;Date;Ville;Téléphone;Pseudo;Texte
U1;a.test;02/09/2018;Lens;0639981111;Léa;Léa à Lens
"""


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_count_of_one_is_singular(tmp_path: Path, lang: str) -> None:
    (tmp_path / "ads.csv").write_text(ONE_AD, encoding="utf-8")
    write_outputs(dedupe([tmp_path / "ads.csv"]), tmp_path / "out")
    text = " ".join(unescape(_visible_text(build_report(tmp_path / "out", lang=lang).html)).split())
    plurals = r"personnes|annonces|réseaux|communes|sites|persons|ads|networks|links|liens"
    assert re.findall(rf"\b1 (?:{plurals})\b", text) == []
    assert (
        "1 annonce publiée par 1 personne distincte"
        if lang == "fr"
        else "1 ad posted by 1 distinct person"
    ) in text
    assert (
        "1 personne n'a publié qu'une annonce" if lang == "fr" else "1 person posted a single ad"
    ) in text


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_range_of_one_number_is_not_shown(tmp_path: Path, lang: str) -> None:
    # Without a review the threshold's range can be one number: "entre 1 et 1" said nothing.
    (tmp_path / "ads.csv").write_text(ONE_AD, encoding="utf-8")
    write_outputs(dedupe([tmp_path / "ads.csv"]), tmp_path / "out")
    text = " ".join(unescape(_visible_text(build_report(tmp_path / "out", lang=lang).html)).split())
    assert "entre 1 et 1" not in text and "1 to 1" not in text and "1–1" not in text
    assert ("1 personne distincte :" if lang == "fr" else "1 distinct person:") in text


def test_say_agrees_with_the_count() -> None:
    assert say("undated", "fr", count="1") == "1 annonce sans date n'est pas comptée ici."
    assert say("undated", "fr", count="3") == "3 annonces sans date ne sont pas comptées ici."
    assert say("undated", "en", count="1") == "1 ad without a date is not counted here."
    assert say("n_persons", "fr", n="0") == "personne"  # CLDR: 0 takes the singular in French
    assert say("n_persons", "en", n="0") == "persons"
    assert say("n_persons", "en", n="< 3") == "persons"


def test_names_are_found_on_the_map_however_written() -> None:
    places = locate([("Boulogne sur mer", 3), ("ST OMER", 2), ("calais", 1)])
    assert places["Boulogne sur mer"].official == "Boulogne-sur-Mer"
    assert places["ST OMER"].official == "Saint-Omer"
    assert places["calais"].department == "62 Pas-de-Calais"


SEPTEMBER = """Réf;Site;Lien;Date;Ville;Téléphone;Pseudo;Âge;Texte
S1;a.test;https://a.test/1;02/09/2018;Lens;0639981111;Léa;25;Léa à Lens, douce et discrète
S2;b.test;https://b.test/2;05/09/2018;Arras;0639982222;Zoé;30;Zoé de passage à Arras
S3;https://evil.example/x?0639983333;https://c.test/3;06/09/2018;<img src=x onerror=alert(1)>;0639983333;Mia;22;Mia nouvelle
S4;b.test;https://b.test/6;07/09/2018;Lens;0639981111;Léa;25;Léa à Lens, douce et discrète
"""
OCTOBER = """Réf;Site;Lien;Date;Ville;Téléphone;Pseudo;Âge;Texte
O1;a.test;https://a.test/4;03/10/2018;Lens;0639981111;Léa;25;Léa à Lens, douce et discrète
O2;b.test;https://b.test/5;04/10/2018;Calais;0639984444;Eva;27;Eva arrive à Calais
"""


def test_hostile_cells_are_escaped_and_scrubbed(tmp_path: Path) -> None:
    (tmp_path / "ads.csv").write_text(SEPTEMBER, encoding="utf-8")
    write_outputs(dedupe([tmp_path / "ads.csv"]), tmp_path / "out")
    html = build_report(tmp_path / "out", lang="en").html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "evil.example/x" not in html and "https://" not in html  # a site is its domain
    assert "0639983333" not in html


def test_a_store_gives_new_and_returning_persons(tmp_path: Path) -> None:
    from adcensus.store import load_into_store

    store = tmp_path / "census.db"
    for name, text in (("sept.csv", SEPTEMBER), ("oct.csv", OCTOBER)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        load_into_store(store, [tmp_path / name])
    report = build_report(store, lang="fr")
    assert report.data.from_store and "census.db" in report.html
    rows = re.findall(r"<tr><td>(\w+\.? 2018)</td>((?:<td class=num>\d+</td>)+)</tr>", report.html)
    numbers = {m: re.findall(r"\d+", cells) for m, cells in rows}
    assert numbers["sept. 2018"] == ["4", "3", "3", "0"]  # ads, persons, new, returning
    assert numbers["oct. 2018"] == ["2", "2", "1", "1"]  # Léa came back, Eva is new
    # A store's persons have their profiles read from the stored ads.
    who = unescape(report.html[report.html.index("Ce que disent les annonces") :])
    assert "<td>femme</td><td class=num>2</td>" in who  # Léa "douce", Mia "nouvelle"
    assert "0 personne est à vérifier comme possiblement mineure :" in who


# ---- the report of the shipped sample ------------------------------------------------------


def test_french_report_headline(report_fr: str, sample_output: Path) -> None:
    summary = json.loads((sample_output / "summary.json").read_text(encoding="utf-8"))
    assert '<html lang="fr">' in report_fr
    assert percent(summary["doublon_rate"], "fr") in report_fr
    assert "2 sept. 2018" in report_fr and "déc. 2018" in report_fr
    assert f">{summary['ads']}<" in report_fr and f">{summary['persons']}<" in report_fr
    for section in ("Sur quels sites", "Carte des annonces par commune", "Méthode"):
        assert section in report_fr


def test_english_report(sample_output: Path) -> None:
    html = build_report(sample_output, lang="en").html
    assert '<html lang="en">' in html and "Dec 2018" in html and "Method" in html
    assert re.search(r">\d\d\.\d%<", html)


def test_report_loads_nothing_and_runs_no_script(report_fr: str) -> None:
    assert "http://" not in report_fr and "https://" not in report_fr
    assert "<script" not in report_fr and "@import" not in report_fr
    assert "default-src 'none'" in report_fr


def test_no_identifier_without_show_identifiers(report_fr: str, sample_output: Path) -> None:
    ads = pd.read_csv(sample_output / "ads.csv", sep=";", encoding="utf-8-sig", dtype=str)
    text = _visible_text(report_fr)
    phones = {p for cell in ads["phones"].dropna() for p in cell.split(";")}
    for phone in phones:
        assert phone not in report_fr and phone.replace("+33", "0") not in report_fr
    assert not any(url in report_fr for url in ads["Lien"].dropna())
    places = set(ads["Ville"].dropna()) | {"Lens"}
    names = {n for n in ads["Pseudo"].dropna() if len(n) >= 4 and n not in places}
    shown = [n for n in names if re.search(rf"\b{re.escape(n)}\b", text)]
    assert shown == []


def test_show_identifiers_adds_the_persons_table(sample_output: Path) -> None:
    html = build_report(sample_output, lang="fr", show_identifiers=True).html
    assert "Les personnes les plus visibles" in html
    assert re.search(r"\+33639\d{6}", html)


def test_min_count_hides_small_cells(sample_output: Path) -> None:
    html = build_report(sample_output, lang="fr", min_count=3).html
    behind_charts = "".join(re.findall(r"<details>.*?</details>", html.split("Méthode")[0]))
    cells = re.findall(r"<td class=num>([^<]*)</td>", behind_charts)
    assert f"&lt;{NNBSP}3" in cells
    assert not {"1", "2"} & set(cells)


# ---- the command ---------------------------------------------------------------------------


def test_cli_writes_the_report(sample_output: Path, tmp_path: Path) -> None:
    target = tmp_path / "rapport.html"
    result = runner.invoke(
        app, ["report", str(sample_output), "-o", str(target), "--lang", "fr", "--min-count", "3"]
    )
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert "wrote the report" in result.output


@pytest.mark.parametrize(
    "args",
    [["--lang", "de"], ["--min-count", "0"]],
)
def test_cli_refuses_bad_options(sample_output: Path, tmp_path: Path, args: list[str]) -> None:
    result = runner.invoke(
        app, ["report", str(sample_output), "-o", str(tmp_path / "r.html"), *args]
    )
    assert result.exit_code == 2
    assert not (tmp_path / "r.html").exists()


def test_cli_refuses_a_folder_that_is_not_a_dedupe_output(tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", str(tmp_path)])
    assert result.exit_code == 2
    assert "summary.json" in result.output


def test_real_subprocess_run(sample_output: Path, tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "adcensus",
            "report",
            str(sample_output),
            "-o",
            str(target),
            "--lang",
            "en",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""  # messages go to stderr
    assert '<html lang="en">' in target.read_text(encoding="utf-8")


# ---- as a person would see it: headless Chromium -------------------------------------------


def test_report_opens_in_chromium_without_errors(sample_output: Path, tmp_path: Path) -> None:
    executable = _chromium()
    written = write_report(
        build_report(sample_output, lang="fr", min_count=3), tmp_path / "rapport.html"
    )
    check = check_page(written[0], executable)
    assert check.problems == []
    assert check.charts == 8 and check.lang == "fr"
    picture = screenshot_page(written[0], width=900, executable=executable)
    assert picture.startswith(b"\x89PNG")


def test_the_check_catches_what_a_person_would_notice(tmp_path: Path) -> None:
    executable = _chromium()
    page = tmp_path / "broken.html"
    page.write_text(
        "<!DOCTYPE html><html><body><img src='missing.png'>"
        "<figure><svg width='100' height='50'><rect width='NaN' height='5'/></svg></figure>"
        "<figure><svg id='m' width='300' height='50'><circle cx='10' cy='20' r='8'/>"
        "<text class='place' x='5' y='20'>Lens</text><text class='place' x='9' y='22'>Liévin</text>"
        "</svg></figure>"
        "<script>console.error('boom')</script></body></html>",
        encoding="utf-8",
    )
    problems = "\n".join(check_page(page, executable).problems)
    assert "boom" in problems
    assert "names overlap on m: Lens / Liévin" in problems
    assert "name over a circle on m: Lens" in problems
    assert "image not loaded" in problems
    assert "chart with NaN" in problems


def test_png_charts_for_slides(sample_output: Path, tmp_path: Path) -> None:
    _chromium()
    report = build_report(sample_output, lang="en")
    written = write_report(report, tmp_path / "report.html", png_dir=tmp_path / "png")
    pngs = sorted(p.name for p in written[1:])
    assert pngs[0] == "01-communes.png" and len(pngs) == len(report.charts) == 8
    assert all((tmp_path / "png" / name).read_bytes().startswith(b"\x89PNG") for name in pngs)


def test_who_part_shows_profiles_in_both_languages_small_origins_hidden(
    sample_output: Path, tmp_path: Path
) -> None:
    persons = pd.read_csv(
        sample_output / "persons.csv",
        sep=";",
        dtype=str,
        keep_default_na=False,
        encoding="utf-8-sig",
    )
    origins = persons["origin"].value_counts()
    rare = next(o for o, n in origins.items() if n < 3)
    common = next(o for o, n in origins.items() if n >= 3 and o != "unknown")
    fr = unescape(build_report(sample_output, lang="fr", min_count=3).html)
    en = unescape(build_report(sample_output, lang="en").html)
    assert "Ce que disent les annonces" in fr and "What the ads say" in en
    assert "Âge déclaré" in fr and "Stated age" in en
    assert "des personnes dont une annonce dit l'âge ont 25 ans ou moins" in fr
    assert "indépendante" in fr and "independent" in en
    assert common in fr and f">{rare}<" not in fr and f">{rare}<" in en
    assert "Les valeurs de moins de 3 personnes ne sont pas montrées." in fr
    assert "never a finding" in en
    # A folder written before profiles (or a store's export) has them read from its ads.
    old = tmp_path / "old"
    old.mkdir()
    (old / "ads.csv").write_bytes((sample_output / "ads.csv").read_bytes())
    summary = json.loads((sample_output / "summary.json").read_text(encoding="utf-8"))
    (old / "summary.json").write_text(  # from before the files' hashes too
        json.dumps({k: v for k, v in summary.items() if k not in ("files", "run_id")}),
        encoding="utf-8",
    )
    persons.drop(columns=["age_group", "origin"]).to_csv(
        old / "persons.csv", sep=";", index=False, encoding="utf-8-sig"
    )
    again = unescape(build_report(old, lang="en").html)
    start = again.index("What the ads say")
    assert again[start : start + 4000] == en[en.index("What the ads say") :][:4000]
