"""The page: headline, sections, method, privacy, in one self-contained HTML document.

The document loads nothing: styles are inline, charts are inline SVG, there is no
script, and a Content-Security-Policy forbids any fetch, so that even a scraped
text slipping through could not call out.
"""

from __future__ import annotations

from html import escape
from string import Template
from typing import Any

from adcensus import __version__
from adcensus.report.charts import Counts
from adcensus.report.data import ReportData, date_span
from adcensus.report.i18n import below, count_range, day, number, percent, percent_range
from adcensus.report.method import KEY_SETTINGS, method_html
from adcensus.report.sections import (
    Chart,
    Context,
    sites_section,
    table,
    when_section,
    where_section,
    who_section,
)
from adcensus.report.texts import say

PAGE = Template("""<!DOCTYPE html>
<html lang="$lang">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="adcensus $version">
<title>$title</title>
<style>
:root { --ink: #1d2733; --muted: #5c6670; --line: #e3e7eb; --ads: #2f6690; --persons: #d9822b; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", "Liberation Sans", Arial, sans-serif; }
main { max-width: 820px; margin: 0 auto; padding: 28px 24px 48px; }
header h1 { font-size: 28px; margin: 0 0 4px; }
header p { margin: 2px 0; color: var(--muted); }
h2 { font-size: 21px; margin: 40px 0 12px; padding-top: 16px; border-top: 2px solid var(--line); }
h3 { font-size: 16px; margin: 24px 0 8px; }
.lead { font-size: 18px; margin: 18px 0; }
.cards { display: grid; grid-template-columns: repeat(3, 1fr); gap: 12px; margin: 16px 0; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; background: #f7f9fb; }
.card .value { font-size: 28px; font-weight: 700; line-height: 1.15; font-variant-numeric: tabular-nums; }
.card .label { color: var(--muted); font-size: 13px; }
.card .range { font-size: 13px; color: var(--muted); }
.card.ads .value { color: var(--ads); } .card.persons .value { color: var(--persons); }
figure { margin: 18px 0 24px; }
figcaption { font-weight: 600; margin-bottom: 6px; }
svg.chart { display: block; max-width: 100%; height: auto; font-family: inherit; fill: var(--ink); }
.note { color: var(--muted); font-size: 13px; margin: 6px 0; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 13px; min-width: 50%; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 10px; text-align: left; vertical-align: top; }
th { background: #f7f9fb; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
details { margin: 4px 0 16px; } summary { cursor: pointer; color: var(--ads); }
.method p { max-width: 70ch; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
@media print { h2 { break-before: auto; } figure, table { break-inside: avoid; } details { display: none; } }
@media (max-width: 640px) { .cards { grid-template-columns: repeat(2, 1fr); } }
</style>
</head>
<body>
<main>
$body
</main>
</body>
</html>
""")


def _value(value: Any, lang: str) -> str:
    """A setting or count as written in `lang`: 0,85 / 0.85, 1 234 / 1,234, text as is."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return number(value, lang)
    if isinstance(value, float):
        decimals = 0 if value == int(value) else min(4, len(repr(value).split(".")[1]))
        return number(value, lang, decimals)
    return str(value)


def _card(kind: str, value: str, label: str, extra: str = "") -> str:
    range_ = f'<div class="range">{extra}</div>' if extra else ""
    return (
        f'<div class="card {kind}"><div class="value">{value}</div>'
        f'<div class="label">{label}</div>{range_}</div>'
    )


def headline(ctx: Context) -> str:
    """Title, period, the sentence that answers the question, and the key numbers."""
    data, lang = ctx.data, ctx.lang
    summary, estimate = data.summary, data.estimate
    ads, persons = int(summary["ads"]), int(summary["persons"])
    low, high = (
        int(estimate.get("persons_low", persons)),
        int(estimate.get("persons_high", persons)),
    )
    rate = float(summary.get("doublon_rate", 1 - persons / ads if ads else 0.0))
    rate_low = float(estimate.get("doublon_rate_low", rate))
    rate_high = float(estimate.get("doublon_rate_high", rate))
    sources = ", ".join(
        str(i.get("path", "")).replace("\\", "/").rsplit("/", 1)[-1]
        for i in summary.get("inputs", [])
    )
    out = [
        f"<header><h1>{ctx.say('title')}</h1>",
        f"<p>{ctx.say('subtitle', version=__version__)}</p>",
    ]
    if data.from_store:
        out.append(f"<p>{ctx.say('source_store', source=data.source.name)}</p>")
    elif sources:
        out.append(f"<p>{ctx.say('source', source=sources)}</p>")
    span = date_span(data.ads)
    if span is not None:
        out.append(f"<p>{ctx.say('period', first=day(span[0], lang), last=day(span[1], lang))}</p>")
    out.append("</header>")
    out.append(f"<h2>{ctx.say('glance')}</h2>")
    out.append(
        "<p class='lead'>"
        + ctx.say(
            "lead",
            ads=number(ads, lang),
            persons=number(persons, lang),
            # a range of one number says nothing (no review yet, threshold moves nothing)
            between=""
            if low == high
            else say("between", lang, low=number(low, lang), high=number(high, lang)),
            rate=percent(rate, lang),
        )
        + "</p>"
    )
    sites = summary.get("sites", data.ads["site"].replace("", None).nunique())
    communes = data.ads["city"].replace("", None).nunique()
    networks = int(summary.get("networks", 0))
    cards = [
        _card("ads", number(ads, lang), ctx.say("n_ads", n=ads)),
        _card(
            "persons",
            number(persons, lang),
            ctx.say("n_persons", n=persons),
            escape(count_range(low, high, lang)) if low != high else "",
        ),
        _card(
            "rate",
            escape(percent(rate, lang)),
            ctx.say("doublon_rate"),
            escape(percent_range(rate_low, rate_high, lang)) if rate_low != rate_high else "",
        ),
        _card("networks", number(networks, lang), ctx.say("n_networks", n=networks)),
        _card("sites", number(int(sites), lang), ctx.say("n_sites", n=int(sites))),
        _card("communes", number(int(communes), lang), ctx.say("n_communes", n=int(communes))),
    ]
    out.append(f"<div class='cards'>{''.join(cards)}</div>")
    in_networks = summary.get("persons_in_networks")
    if in_networks:
        out.append(
            f"<p class='note'>{ctx.say('networks_note', persons=ctx.counts.text(int(in_networks)))}</p>"
        )
    return "".join(out)


def method_section(ctx: Context) -> str:
    """How the numbers were made, the settings, the files read, the notes, the privacy rules."""
    lang, summary = ctx.lang, ctx.data.summary
    settings: dict[str, Any] = summary.get("settings") or {}
    out = [f"<h2>{ctx.say('method')}</h2><div class='method'>"]
    out.append(method_html(settings, ctx.data.estimate, lang, lambda v: _value(v, lang)))
    out.append("</div>")
    rows = [
        [escape(fr if lang == "fr" else en), escape(_value(settings[key], lang))]
        for key, fr, en in KEY_SETTINGS
        if key in settings
    ]
    out.append(
        f"<h3>{ctx.say('settings')}</h3>" + table([ctx.say("setting"), ctx.say("value")], rows)
    )
    every = [[escape(k), escape(_value(v, lang))] for k, v in settings.items()]
    out.append(
        f"<details><summary>{ctx.say('all_settings')}</summary>{table([ctx.say('setting'), ctx.say('value')], every)}</details>"
    )
    inputs = summary.get("inputs") or []
    if inputs:
        rows = [
            [
                escape(str(i.get("path", "")).rsplit("/", 1)[-1]),
                escape(number(int(i.get("rows", 0)), lang)),
                f"<code>{escape(str(i.get('sha256', ''))[:16])}…</code>",
            ]
            for i in inputs
        ]
        out.append(
            f"<h3>{ctx.say('inputs')}</h3>"
            + table([ctx.say("file"), ctx.say("rows"), "SHA-256"], rows, 1)
        )
    out.append(quality_html(ctx))
    # the note on review.jsonl is said in the method's own words, in the report's language
    notes = [n for n in ctx.data.estimate.get("notes") or [] if "review.jsonl" not in str(n)]
    if notes:
        items = "".join(f"<li>{escape(str(n))}</li>" for n in notes)
        out.append(f"<h3>{ctx.say('notes')}</h3><ul class='note'>{items}</ul>")
    out.append(f"<h3>{ctx.say('privacy')}</h3>")
    if ctx.show_identifiers and ctx.tokens_key is not None:
        out.append(f"<p>{ctx.say('privacy_tokens', key_id=ctx.tokens_key)}</p>")
    else:
        out.append(
            f"<p>{ctx.say('privacy_shown' if ctx.show_identifiers else 'privacy_hidden')}</p>"
        )
    k = ctx.counts.min_count
    if k > 1:
        out.append(
            f"<p>{ctx.say('privacy_min', k1=number(k - 1, lang), below=ctx.counts.below)}</p>"
        )
    else:
        out.append(f"<p>{ctx.say('privacy_all')}</p>")
    return "".join(out)


def quality_html(ctx: Context) -> str:
    """The data-quality summary (summary.json's `data_quality`, adcensus.quality) as a
    short table and its warnings; "" for a folder written before it existed."""
    quality: dict[str, Any] = ctx.data.summary.get("data_quality") or {}
    if not quality:
        return ""
    lang = ctx.lang

    def n(value: Any) -> str:
        return escape(number(int(value), lang))

    rows = [[ctx.say("quality_rows_read"), n(quality.get("rows_read", 0))]]
    rows.append([escape(ctx.say("Ads")), n(quality.get("ads", 0))])
    aside = quality.get("rows_set_aside") or {}
    rows.append([ctx.say("quality_set_aside"), n(sum(aside.values()))])
    for column, count in (quality.get("unreadable_cells") or {}).items():
        rows.append([ctx.say("quality_unreadable", column=column), n(count)])
    for column, found in (quality.get("phones_by_column") or {}).items():
        cells = ctx.say(
            "quality_phones_cells",
            found=number(int(found["with_number"]), lang),
            filled=number(int(found["filled"]), lang),
            numbers=number(int(found["numbers"]), lang),
        )
        rows.append([ctx.say("quality_phones", column=column), cells])
    if "phones_in_text_only" in quality:
        rows.append([ctx.say("quality_text_only"), n(quality["phones_in_text_only"])])
    unused = quality.get("columns_unused") or []
    if unused:
        rows.append([ctx.say("quality_unused"), escape(", ".join(unused))])
    warnings = "".join(f"<li>{escape(str(w))}</li>" for w in quality.get("warnings") or [])
    return (
        f"<h3>{ctx.say('quality')}</h3>"
        + table(["", ""], rows)
        + (f"<ul class='note'>{warnings}</ul>" if warnings else "")
    )


def render_page(
    data: ReportData,
    lang: str,
    min_count: int = 1,
    show_identifiers: bool = False,
    tokens_key: str | None = None,
) -> tuple[str, list[Chart]]:
    """The report as one HTML document, and its charts (for --png).

    `tokens_key` (a key id) says that the identifiers shown are keyed tokens: the privacy
    note says so, and the labels of sites and communes are scrubbed as without
    `show_identifiers`.
    """
    counts = Counts(lambda v: number(v, lang), min_count, below(min_count, lang))
    ctx = Context(data, lang, counts, show_identifiers, tokens_key)
    country = str((data.summary.get("settings") or {}).get("region") or "FR")
    body = [
        headline(ctx),
        where_section(ctx, country),
        when_section(ctx),
        sites_section(ctx),
        who_section(ctx),
        method_section(ctx),
        f"<footer>{ctx.say('footer', version=__version__)}</footer>",
    ]
    html = PAGE.substitute(
        lang=lang,
        version=escape(__version__),
        title=ctx.say("title"),
        body="\n".join(body),
    )
    return html, ctx.charts
