"""The report's sections, each a piece of HTML with its charts: sites, where, when, who."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape

import pandas as pd

from adcensus import columns as col
from adcensus.profiles import AGE_GROUPS
from adcensus.report import charts, geo
from adcensus.report.charts import Counts, MapPoint, Series
from adcensus.report.data import (
    ReportData,
    ads_per_person,
    by_month,
    cities_per_person,
    counts_by,
    moves,
    scrub,
    top_persons,
)
from adcensus.report.i18n import day, month, number, percent
from adcensus.report.texts import TEXTS, say

TOP = 15  # rows of a chart before the rest is summed up in a note
MAP_LINKS = 30  # touring moves drawn on the map, most persons first


@dataclass(frozen=True)
class Chart:
    """One chart of the report: its element id, a file name for --png, its title, its SVG."""

    figure_id: str
    slug: str
    title: str
    svg: str


@dataclass
class Context:
    """What every section needs: the data, the language, how counts are written."""

    data: ReportData
    lang: str
    counts: Counts
    show_identifiers: bool
    tokens_key: str | None = None  # the key id when the identifiers shown are keyed tokens
    charts: list[Chart] = field(default_factory=list)

    def say(self, key: str, **fields: object) -> str:
        """The text `key` in the report's language, escaped for HTML."""
        return escape(say(key, self.lang, **fields))

    def n(self, value: float) -> str:
        """A count, hidden below the minimum count, escaped."""
        return escape(self.counts.text(int(value)))

    def figure(self, slug: str, title: str, svg: str, caption: str = "") -> str:
        """A chart in its <figure>, kept for --png."""
        figure_id = f"fig-{slug}"
        self.charts.append(Chart(figure_id, f"{len(self.charts) + 1:02d}-{slug}", title, svg))
        note = f"<p class='note'>{caption}</p>" if caption else ""
        return (
            f'<figure id="{figure_id}"><figcaption>{escape(title)}</figcaption>{svg}{note}</figure>'
        )


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], numeric_from: int = 1) -> str:
    """An HTML table; cells are already escaped; columns from `numeric_from` align right."""
    head = "".join(
        f"<th{' class=num' if i >= numeric_from else ''}>{h}</th>" for i, h in enumerate(headers)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{' class=num' if i >= numeric_from else ''}>{cell}</td>"
            for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def details(ctx: Context, content: str) -> str:
    """Numbers behind a chart, folded away under "See the numbers"."""
    return f"<details><summary>{ctx.say('data_table')}</summary>{content}</details>"


def _label(ctx: Context, value: str, role: str) -> str:
    if not value:
        return say("no_value", ctx.lang)
    if ctx.show_identifiers and ctx.tokens_key is None:
        return value
    if role == "site":  # a site is its domain, never a full address
        value = re.sub(r"(?i)^[a-z][a-z0-9+.-]*://", "", value).split("/", 1)[0]
    return scrub(value) or "…"


def _top_rows(ctx: Context, column: str) -> tuple[list[str], list[int], list[int], pd.DataFrame]:
    """Labels, ads, persons of the TOP values of `column`, and the full table."""
    full = counts_by(ctx.data.ads, column)
    head = full.head(TOP)
    labels = [_label(ctx, v, column) for v in head["label"]]
    return labels, head["ads"].tolist(), head["persons"].tolist(), full


def _others_note(ctx: Context, column: str, full: pd.DataFrame) -> str:
    """ "24 other sites: 165 ads, 106 persons" for the rows left out of a chart."""
    rest = full.iloc[TOP:]
    if rest.empty:
        return ""
    others = ctx.data.ads[ctx.data.ads[column].isin(rest["label"])]
    return ctx.say(
        "others_note",
        count=number(len(rest), ctx.lang),
        what=say("n_sites" if column == "site" else "n_communes", ctx.lang, n=len(rest)),
        ads=ctx.counts.text(len(others)),
        persons=ctx.counts.text(others[col.PERSON_ID].nunique()),
    )


def _count_table(ctx: Context, full: pd.DataFrame, column: str, first: str) -> str:
    rows = [
        [escape(_label(ctx, label, column)), ctx.n(a), ctx.n(p)]
        for label, a, p in zip(full["label"], full["ads"], full["persons"], strict=True)
    ]
    return table([first, ctx.say("Ads"), ctx.say("Persons")], rows)


def _missing(ctx: Context, role: str) -> str:
    return f"<p class='note'>{ctx.say('missing_role', role=say('role_' + role, ctx.lang))}</p>"


def _ads_persons(ctx: Context) -> list[Series]:
    return [
        Series(say("Ads", ctx.lang), [], charts.ADS_COLOR),
        Series(say("Persons", ctx.lang), [], charts.PERSONS_COLOR),
    ]


def _bars(ctx: Context, slug: str, title: str, labels: list[str], *values: list[int]) -> str:
    series = [Series(s.name, v, s.color) for s, v in zip(_ads_persons(ctx), values, strict=False)]
    return charts.bar_chart(slug, title, labels, series, ctx.counts)


def sites_section(ctx: Context) -> str:
    """Ads and persons per site."""
    out = [f"<h2>{ctx.say('where_sites')}</h2>"]
    if "site" not in ctx.data.has:
        return "".join([*out, _missing(ctx, "site")])
    labels, ads, persons, full = _top_rows(ctx, "site")
    title = say("chart_sites", ctx.lang)
    svg = _bars(ctx, "chart-sites", title, labels, ads, persons)
    note = " ".join(filter(None, [_others_note(ctx, "site", full), ctx.say("sites_note")]))
    out.append(ctx.figure("sites", title, svg, note))
    out.append(details(ctx, _count_table(ctx, full, "site", "Site")))
    return "".join(out)


def where_section(ctx: Context, country: str) -> str:
    """Ads and persons per commune, the map, the départements."""
    out = [f"<h2>{ctx.say('where_cities')}</h2>"]
    if "city" not in ctx.data.has:
        return "".join([*out, _missing(ctx, "city")])
    labels, ads, persons, full = _top_rows(ctx, "city")
    title = say("chart_cities", ctx.lang)
    svg = _bars(ctx, "chart-cities", title, labels, ads, persons)
    out.append(ctx.figure("communes", title, svg, _others_note(ctx, "city", full)))
    out.append(details(ctx, _count_table(ctx, full, "city", "Commune")))
    named = full[full["label"] != ""]
    places = geo.locate(zip(named["label"], named["ads"], strict=True), country)
    drawn, off_map = geo.on_map(places, country)
    unplaced = [label for label in named["label"] if label not in places]
    unplaced += [p.name for p in off_map]
    if drawn:
        ads_of = dict(zip(full["label"], full["ads"], strict=True))
        points = {
            p.name: MapPoint(_label(ctx, p.name, "city"), p.lat, p.lon, int(ads_of[p.name]))
            for p in drawn
        }
        links = _map_links(ctx, points)
        title = say("chart_map", ctx.lang)
        base = [charts.BasePlace(*place) for place in geo.gazetteer_places(country)]
        svg = charts.point_map(
            "chart-map", title, list(points.values()), links, ctx.counts, _words(ctx), base
        )
        out.append(ctx.figure("map", title, svg, ctx.say("map_note", links=MAP_LINKS)))
    else:
        out.append(f"<p class='note'>{ctx.say('no_map')}</p>")
    if unplaced:
        names = ", ".join(f"{_label(ctx, u, 'city')}" for u in unplaced)
        out.append(f"<p class='note'>{ctx.say('unplaced', names=names)}</p>")
    departments = geo.by_department(full, places)
    if len(departments):
        rows = [
            [escape(label), ctx.n(a), escape(number(c, ctx.lang))]
            for label, a, c in zip(
                departments["label"], departments["ads"], departments["communes"], strict=True
            )
        ]
        out.append(f"<h3>{ctx.say('departments')}</h3>")
        out.append(table([ctx.say("department"), ctx.say("Ads"), ctx.say("Communes")], rows))
    return "".join(out)


def _words(ctx: Context) -> Callable[[str, int], str]:
    """The unit of a count on the map: words("ads", 1) is "annonce", ("ads", 2) "annonces"."""

    def words(unit: str, count: int) -> str:
        return say(f"n_{unit}", ctx.lang, n=ctx.counts.text(count))

    return words


def _map_links(ctx: Context, points: dict[str, MapPoint]) -> list[tuple[MapPoint, MapPoint, int]]:
    """Touring moves between placed communes, both directions together, shown ones only."""
    table_ = moves(ctx.data.ads)
    pairs: dict[tuple[str, str], int] = {}
    for a, b, n in zip(table_["from"], table_["to"], table_["persons"], strict=True):
        if a in points and b in points:
            key = (min(a, b), max(a, b))
            pairs[key] = pairs.get(key, 0) + int(n)
    return [
        (points[a], points[b], n) for (a, b), n in sorted(pairs.items()) if not ctx.counts.hidden(n)
    ]


def when_section(ctx: Context) -> str:
    """Ads and persons per month; new and returning persons per month."""
    out = [f"<h2>{ctx.say('when')}</h2>"]
    if "date" not in ctx.data.has:
        return "".join([*out, _missing(ctx, "date")])
    months = by_month(ctx.data.ads)
    labels = [month(int(m[:4]), int(m[5:7]), ctx.lang) for m in months["month"]]
    ads, persons = months["ads"].tolist(), months["persons"].tolist()
    title = say("chart_months", ctx.lang)
    series = [
        Series(s.name, v, s.color) for s, v in zip(_ads_persons(ctx), (ads, persons), strict=True)
    ]
    svg = charts.column_chart("chart-months", title, labels, series, ctx.counts)
    undated = int((ctx.data.ads["month"] == "").sum())
    note = ctx.say("undated", count=number(undated, ctx.lang)) if undated else ""
    out.append(ctx.figure("months", title, svg, note))
    title = say("chart_new", ctx.lang)
    series = [
        Series(say("new", ctx.lang), months["new"].tolist(), charts.NEW_COLOR),
        Series(say("returning", ctx.lang), months["returning"].tolist(), charts.RETURNING_COLOR),
    ]
    svg = charts.column_chart("chart-new", title, labels, series, ctx.counts, stacked=True)
    out.append(ctx.figure("new-returning", title, svg, ctx.say("new_note")))
    rows = [
        [escape(label), ctx.n(a), ctx.n(p), ctx.n(n), ctx.n(r)]
        for label, a, p, n, r in zip(
            labels, ads, persons, months["new"], months["returning"], strict=True
        )
    ]
    headers = [
        ctx.say("when"),
        ctx.say("Ads"),
        ctx.say("Persons"),
        ctx.say("new"),
        ctx.say("returning"),
    ]
    out.append(details(ctx, table(headers, rows)))
    return "".join(out)


def _buckets_chart(
    ctx: Context, slug: str, key: str, buckets: list[tuple[str, int]], unit: Callable[[str], str]
) -> str:
    title = say(key, ctx.lang)
    labels = [unit(label) for label, _ in buckets]
    series = [Series(say("Persons", ctx.lang), [n for _, n in buckets], charts.PERSONS_COLOR)]
    svg = charts.column_chart(f"chart-{slug}", title, labels, series, ctx.counts, height=240)
    return svg


def who_section(ctx: Context) -> str:
    """Ads per person, communes per person, the most frequent moves, what the ads say of
    the persons (profiles); persons with identifiers."""
    ads = ctx.data.ads
    out = [f"<h2>{ctx.say('who')}</h2>"]
    per_person = ads.groupby(col.PERSON_ID).size().sort_values(ascending=False)
    half = int((per_person.cumsum() < len(ads) / 2).sum()) + 1 if len(ads) else 0
    buckets = ads_per_person(ads)
    svg = _buckets_chart(ctx, "per-person", "chart_per_person", buckets, lambda s: s)
    note = ctx.say(
        "per_person_note", one=ctx.counts.text(buckets[0][1]), half=number(half, ctx.lang)
    )
    out.append(ctx.figure("ads-per-person", say("chart_per_person", ctx.lang), svg, note))
    if "city" in ctx.data.has:
        buckets = cities_per_person(ads)
        svg = _buckets_chart(ctx, "touring", "chart_touring", buckets, lambda s: s)
        placed = sum(n for _, n in buckets)
        touring = placed - buckets[0][1]
        note = ctx.say(
            "touring_note",
            touring=ctx.counts.text(touring),
            share=percent(touring / placed if placed else 0.0, ctx.lang),
        )
        out.append(ctx.figure("touring", say("chart_touring", ctx.lang), svg, note))
        out.append(_moves_table(ctx))
    out.append(_profiles_part(ctx))
    if ctx.show_identifiers:
        out.append(_persons_table(ctx))
    return "".join(out)


PROFILE_FIELDS = ("age_group", "presentation", "kind", "origin")


def _value(ctx: Context, value: str) -> str:
    """A profile value in the report's language ("agency;touring" → "agence ; tournée")."""
    parts = [say(f"value_{v}", ctx.lang) if f"value_{v}" in TEXTS else v for v in value.split(";")]
    return (" ; " if ctx.lang == "fr" else "; ").join(parts)


def _profiles_part(ctx: Context) -> str:
    """Persons per stated age group, presentation, kind and origin (adcensus.profiles).

    Age groups, presentations and kinds are fixed lists: a small count reads "< k".
    Origins are open: one below `--min-count` could single a person out, so it is left out.
    """
    persons = ctx.data.persons
    out = [f"<h3>{ctx.say('profiles')}</h3>"]
    if persons.empty or not set(PROFILE_FIELDS) <= set(persons.columns):
        return ""
    out.append(f"<p class='note'>{ctx.say('profiles_note')}</p>")
    groups = persons["age_group"].value_counts()
    labels = [_value(ctx, g) for g in AGE_GROUPS]
    values = [int(groups.get(g, 0)) for g in AGE_GROUPS]
    title = say("profile_age_group", ctx.lang)
    series = [Series(say("Persons", ctx.lang), values, charts.PERSONS_COLOR)]
    svg = charts.bar_chart("chart-age-groups", title, labels, series, ctx.counts)
    stated = sum(values) - int(groups.get("unknown", 0))
    young = sum(int(groups.get(g, 0)) for g in AGE_GROUPS[:3])
    note = ""
    if stated and not ctx.counts.hidden(stated):
        note = ctx.say(
            "young_share", share=percent(young / stated, ctx.lang), n=ctx.counts.text(stated)
        )
    out.append(ctx.figure("age-groups", title, svg, note))
    hidden = False
    for name in PROFILE_FIELDS[1:]:
        found = persons[name].value_counts()
        order = sorted(found.index, key=lambda v: (-found[v], v))
        if name == "origin":
            shown = [v for v in order if not ctx.counts.hidden(int(found[v]))]
            hidden = hidden or len(shown) < len(order)
            order = shown
        rows = [[escape(_value(ctx, str(v))), ctx.n(found[v])] for v in order]
        out.append(table([ctx.say("profile_" + name), ctx.say("Persons")], rows))
    if hidden:
        out.append(f"<p class='note'>{ctx.say('profile_hidden', k=ctx.counts.min_count)}</p>")
    minors = int((persons["may_be_minor"] == "yes").sum())
    out.append(f"<p class='note'>{ctx.say('minors_note', n=ctx.counts.text(minors))}</p>")
    return "".join(out)


def _moves_table(ctx: Context) -> str:
    table_ = moves(ctx.data.ads)
    shown = table_[~table_["persons"].map(ctx.counts.hidden)].head(TOP)
    out = [f"<h3>{ctx.say('moves')}</h3>"]
    if shown.empty:
        out.append(f"<p class='note'>{ctx.say('no_moves')}</p>")
    else:
        rows = [
            [escape(_label(ctx, a, "city")), escape(_label(ctx, b, "city")), ctx.n(n)]
            for a, b, n in zip(shown["from"], shown["to"], shown["persons"], strict=True)
        ]
        out.append(table([ctx.say("from"), ctx.say("to"), ctx.say("Persons")], rows, 2))
    if ctx.counts.min_count > 1:
        out.append(f"<p class='note'>{ctx.say('moves_hidden', k=ctx.counts.min_count)}</p>")
    return "".join(out)


def _day(iso: str, lang: str) -> str:
    """An ISO date of persons.csv as the language writes it (the text itself if not a date)."""
    parsed = pd.to_datetime(iso, errors="coerce", format="%Y-%m-%d")
    return iso if pd.isna(parsed) else day(parsed, lang)


def _persons_table(ctx: Context) -> str:
    top = top_persons(ctx.data)
    if top.empty:
        return ""
    rows = [
        [
            escape(str(r.get(col.PERSON_ID, ""))),
            escape(str(r.get("names", "")).replace(";", ", ")),
            escape(str(r.get("phones", "")).replace(";", ", ")),
            escape(number(int(r["ads_n"]), ctx.lang)),
            escape(_day(str(r.get("first_seen", "")), ctx.lang)),
            escape(_day(str(r.get("last_seen", "")), ctx.lang)),
        ]
        for _, r in top.iterrows()
    ]
    headers = [ctx.say(k) for k in ("person", "names", "phones", "Ads", "first_seen", "last_seen")]
    return f"<h3>{ctx.say('top_persons')}</h3>" + table(headers, rows, numeric_from=3)
