"""Charts as inline SVG, written by hand: bars, columns, a point map. No JavaScript, no font.

Every text is escaped here (labels come from scraped ads), every coordinate is a
finite number rounded to one decimal, and each mark carries a <title> tooltip
with its exact value. Counts are written through a `Counts` formatter, so that a
count below the report's minimum is shown as "< K" and its bar is not drawn.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

FONT = 12.0
CHAR_WIDTH = 0.58 * FONT  # an average glyph of the sans-serif fonts, to size label columns
ADS_COLOR = "#2f6690"
PERSONS_COLOR = "#d9822b"
NEW_COLOR = "#3a9d7a"
RETURNING_COLOR = "#9aa5b1"
AXIS_COLOR = "#5c6670"
GRID_COLOR = "#e3e7eb"


@dataclass(frozen=True)
class Counts:
    """How counts are written: in the report's language, and hidden below `min_count`."""

    fmt: Callable[[float], str]  # a number in the report's language
    min_count: int = 1
    below: str = "< 1"  # what is written instead of a hidden count

    def hidden(self, value: int) -> bool:
        """True for a count too small to show (0 is always shown)."""
        return 0 < value < self.min_count

    def text(self, value: int) -> str:
        """The count as shown: "1 234", or "< 3" when hidden."""
        return self.below if self.hidden(value) else self.fmt(value)


@dataclass(frozen=True)
class Series:
    """One set of bars: a name for the legend, a value per label, a colour."""

    name: str
    values: Sequence[int]
    color: str


def _n(value: float) -> str:
    """A coordinate: finite, one decimal, no trailing zeros (never NaN in the SVG)."""
    if not math.isfinite(value):
        value = 0.0
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _cut(label: str, chars: int) -> str:
    return label if len(label) <= chars else label[: max(1, chars - 1)] + "…"


def _svg(chart_id: str, title: str, width: float, height: float, body: list[str]) -> str:
    return (
        f'<svg id="{escape(chart_id)}" class="chart" '
        f'role="img" aria-label="{escape(title)}" viewBox="0 0 {_n(width)} {_n(height)}" '
        f'width="{_n(width)}" height="{_n(height)}" font-size="{_n(FONT)}">'
        f"<title>{escape(title)}</title>" + "".join(body) + "</svg>"
    )


def _legend(series: Sequence[Series], x: float, y: float) -> list[str]:
    parts = []
    for item in series:
        parts.append(
            f'<rect x="{_n(x)}" y="{_n(y - 9)}" width="10" height="10" fill="{item.color}"/>'
            f'<text x="{_n(x + 14)}" y="{_n(y)}">{escape(item.name)}</text>'
        )
        x += 24 + len(item.name) * CHAR_WIDTH
    return parts


def _scale_max(values: Sequence[float], ticks: int = 4) -> int:
    """A round top for the value axis, at or above the largest count, in `ticks` whole steps.

    Counts have whole ticks: a top of 10 in 4 steps would read "0, 2, 5, 8, 10" (2.5
    rounded), so 12 is taken ("0, 3, 6, 9, 12").
    """
    top = max([1.0, *values])
    magnitude = 10 ** math.floor(math.log10(top / ticks)) if top >= ticks else 1
    for step in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * magnitude == int(step * magnitude) and step * magnitude * ticks >= top:
            return int(step * magnitude) * ticks
    return 10 * magnitude * ticks  # pragma: no cover


def bar_chart(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    counts: Counts,
    width: float = 760,
) -> str:
    """Horizontal bars, one group per label (a bar per series), value written after each bar."""
    label_chars = min(36, max([4, *(len(label) for label in labels)]))
    left = 12 + label_chars * CHAR_WIDTH
    value_room = 64
    bar_h, gap = 11.0, 9.0
    group_h = bar_h * len(series) + gap
    top = 26.0
    height = top + group_h * len(labels) + 8
    scale = (width - left - value_room) / _scale_max([v for s in series for v in s.values])
    body = _legend(series, left, 14)
    for row, label in enumerate(labels):
        y = top + row * group_h
        body.append(
            f'<text x="{_n(left - 8)}" y="{_n(y + bar_h * len(series) / 2 + 4)}" '
            f'text-anchor="end"><title>{escape(label)}</title>{escape(_cut(label, label_chars))}'
            "</text>"
        )
        for index, item in enumerate(series):
            value = int(item.values[row])
            by = y + index * bar_h
            length = 0.0 if counts.hidden(value) else value * scale
            tip = f"{label} — {item.name}: {counts.text(value)}"
            body.append(
                f'<rect x="{_n(left)}" y="{_n(by)}" width="{_n(length)}" '
                f'height="{_n(bar_h - 1)}" fill="{item.color}"><title>{escape(tip)}</title></rect>'
                f'<text x="{_n(left + length + 4)}" y="{_n(by + bar_h - 2)}" font-size="10" '
                f'fill="{AXIS_COLOR}">{escape(counts.text(value))}</text>'
            )
    body.append(
        f'<line x1="{_n(left)}" y1="{_n(top - 4)}" x2="{_n(left)}" y2="{_n(height - 6)}" '
        f'stroke="{AXIS_COLOR}"/>'
    )
    return _svg(chart_id, title, width, height, body)


def column_chart(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    counts: Counts,
    stacked: bool = False,
    width: float = 760,
    height: float = 280,
) -> str:
    """Vertical columns per label: side by side, or stacked with the total written on top."""
    left, right, top, bottom = 52.0, 12.0, 30.0, 40.0
    if stacked:
        peaks = [sum(int(s.values[i]) for s in series) for i in range(len(labels))]
    else:
        peaks = [int(v) for s in series for v in s.values]
    top_value = _scale_max(peaks)
    plot_h = height - top - bottom
    scale = plot_h / top_value
    slot = (width - left - right) / max(1, len(labels))
    body = _legend(series, left, 14)
    for tick in range(5):
        value = top_value * tick // 4
        y = top + plot_h - value * scale
        body.append(
            f'<line x1="{_n(left)}" y1="{_n(y)}" x2="{_n(width - right)}" y2="{_n(y)}" '
            f'stroke="{GRID_COLOR}"/><text x="{_n(left - 6)}" y="{_n(y + 4)}" text-anchor="end" '
            f'font-size="10" fill="{AXIS_COLOR}">{escape(counts.fmt(value))}</text>'
        )
    bar_w = min(48.0, slot * 0.7 / (1 if stacked else len(series)))
    step = max(1, math.ceil(len(labels) * 56 / (width - left - right)))  # labels that fit
    for col, label in enumerate(labels):
        x0 = left + col * slot + (slot - bar_w * (1 if stacked else len(series))) / 2
        base = top + plot_h
        for index, item in enumerate(series):
            value = int(item.values[col])
            h = 0.0 if counts.hidden(value) else value * scale
            x = x0 if stacked else x0 + index * bar_w
            y = base - h
            tip = f"{label} — {item.name}: {counts.text(value)}"
            body.append(
                f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(bar_w - 1)}" height="{_n(h)}" '
                f'fill="{item.color}"><title>{escape(tip)}</title></rect>'
            )
            if not stacked and len(labels) <= 18:
                body.append(
                    f'<text x="{_n(x + bar_w / 2)}" y="{_n(y - 3)}" text-anchor="middle" '
                    f'font-size="9" fill="{AXIS_COLOR}">{escape(counts.text(value))}</text>'
                )
            if stacked:
                base = y
        if stacked and len(labels) <= 18:
            total = sum(int(s.values[col]) for s in series)
            body.append(
                f'<text x="{_n(x0 + bar_w / 2)}" y="{_n(base - 3)}" text-anchor="middle" '
                f'font-size="9" fill="{AXIS_COLOR}">{escape(counts.text(total))}</text>'
            )
        if col % step == 0:
            body.append(
                f'<text x="{_n(left + col * slot + slot / 2)}" y="{_n(height - bottom + 16)}" '
                f'text-anchor="middle">{escape(_cut(label, 12))}</text>'
            )
    body.append(
        f'<line x1="{_n(left)}" y1="{_n(top + plot_h)}" x2="{_n(width - right)}" '
        f'y2="{_n(top + plot_h)}" stroke="{AXIS_COLOR}"/>'
    )
    return _svg(chart_id, title, width, height, body)


MAP_LABELS = 24  # communes named on the map, most ads first, where their names fit


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


@dataclass(frozen=True)
class MapPoint:
    """A commune on the map: where, how many ads, and its tooltip."""

    label: str
    lat: float
    lon: float
    ads: int


def point_map(
    chart_id: str,
    title: str,
    points: Sequence[MapPoint],
    links: Sequence[tuple[MapPoint, MapPoint, int]],
    counts: Counts,
    words: Callable[[str, int], str],
    width: float = 760,
    height: float = 560,
) -> str:
    """Communes as circles sized by ads, touring moves as lines; a scale bar in kilometres.

    Equirectangular projection scaled by the cosine of the mean latitude: faithful
    enough at the size of a région. `words(unit, count)` is the unit of a count in the
    report's language, singular or plural: words("ads", 1) -> "annonce".
    """
    pad = 36.0
    lats = [p.lat for p in points] or [0.0]
    lons = [p.lon for p in points] or [0.0]
    k = math.cos(math.radians(sum(lats) / len(lats)))
    span_x = max((max(lons) - min(lons)) * k, 0.05)
    span_y = max(max(lats) - min(lats), 0.05)
    scale = min((width - 2 * pad) / span_x, (height - 2 * pad - 20) / span_y)
    cx = (max(lons) + min(lons)) / 2
    cy = (max(lats) + min(lats)) / 2

    def xy(p: MapPoint) -> tuple[float, float]:
        return width / 2 + (p.lon - cx) * k * scale, height / 2 + 10 - (p.lat - cy) * scale

    body = [
        f'<rect x="0.5" y="0.5" width="{_n(width - 1)}" height="{_n(height - 1)}" '
        f'fill="#f7f9fb" stroke="{GRID_COLOR}"/>'
    ]
    widest = max([1, *(n for _, _, n in links)])
    for a, b, persons in links:
        (x1, y1), (x2, y2) = xy(a), xy(b)
        tip = f"{a.label} — {b.label}: {counts.text(persons)} {words('persons', persons)}"
        body.append(
            f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" stroke="{PERSONS_COLOR}" '
            f'stroke-opacity="0.55" stroke-width="{_n(1 + 4 * persons / widest)}" '
            f'stroke-linecap="round"><title>{escape(tip)}</title></line>'
        )
    biggest = max([1, *(p.ads for p in points)])
    ordered = sorted(points, key=lambda p: (-p.ads, p.label))
    for p in ordered:
        x, y = xy(p)
        shown = max(p.ads, counts.min_count)
        radius = 3 + 19 * math.sqrt(shown / max(biggest, counts.min_count))
        tip = f"{p.label}: {counts.text(p.ads)} {words('ads', p.ads)}"
        body.append(
            f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(radius)}" fill="{ADS_COLOR}" '
            f'fill-opacity="0.55" stroke="#ffffff" stroke-width="1">'
            f"<title>{escape(tip)}</title></circle>"
        )
    taken: list[tuple[float, float, float, float]] = []
    for p in ordered:
        if len(taken) >= MAP_LABELS:
            break
        x, y = xy(p)
        text = _cut(p.label, 24)
        w = len(text) * 0.58 * 11
        for tx, anchor in ((x + 7, "start"), (x - 7, "end")):
            box = (tx if anchor == "start" else tx - w, y - 16, w, 13)
            inside = box[0] >= 2 and box[0] + w <= width - 2 and box[1] >= 2
            if inside and not any(_overlap(box, other) for other in taken):
                taken.append(box)
                body.append(
                    f'<text x="{_n(tx)}" y="{_n(y - 6)}" text-anchor="{anchor}" font-size="11" '
                    f'paint-order="stroke" stroke="#f7f9fb" stroke-width="3">{escape(text)}</text>'
                )
                break
    km_per_px = 111.32 / scale
    room = 120 * km_per_px  # a scale bar of about 120 px, in a round number of km
    bar_km = max([k for k in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500) if k <= room] or [1])
    bar_px = bar_km / km_per_px
    y0 = height - 14
    body.append(
        f'<line x1="16" y1="{_n(y0)}" x2="{_n(16 + bar_px)}" y2="{_n(y0)}" stroke="{AXIS_COLOR}" '
        f'stroke-width="2"/><text x="{_n(20 + bar_px)}" y="{_n(y0 + 4)}" font-size="10" '
        f'fill="{AXIS_COLOR}">{escape(counts.fmt(bar_km))} km</text>'
    )
    return _svg(chart_id, title, width, height, body)
