"""Charts as inline SVG, written by hand: bars, columns, a point map. No JavaScript, no font.

Every text is escaped here (labels come from scraped ads), every coordinate is a
finite number rounded to one decimal, and each mark carries a <title> tooltip
with its exact value. Counts are written through a `Counts` formatter, so that a
count below the report's minimum is shown as "< K" and its bar is not drawn.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

import numpy as np
import pandas as pd

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


MAP_LABELS = 40  # communes named on the map at most, most ads first, where their names fit
LABEL_FONT = 11.0
BASE_CELL = 5.0  # side of a cell of the base, in px
BASE_REACH_KM = 9.0  # a cell farther than this from every known commune is sea or abroad
BASE_TONES = ("#e4eaef", "#d9e1e8", "#edf0f3", "#d0d9e1", "#e9ecea", "#dfe6e3")
BASE_EDGE = "#ffffff"

Box = tuple[float, float, float, float]  # x, y, width, height


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _covers(box: Box, circle: tuple[float, float, float]) -> bool:
    """True when the box cuts into the circle (touching is fine)."""
    cx, cy, r = circle
    nearest_x = min(max(cx, box[0]), box[0] + box[2])
    nearest_y = min(max(cy, box[1]), box[1] + box[3])
    return math.hypot(cx - nearest_x, cy - nearest_y) < r - 0.5


_NARROW, _SMALL, _WIDE = set("iljI.,;:!|'’ "), set("frt-()/"), set("mwMW")


def text_width(text: str, font: float = LABEL_FONT) -> float:
    """The width of `text` in px, a little over what the usual sans-serif fonts draw
    (DejaVu Sans, the widest of them, on Linux)."""
    em = sum(
        0.34 if c in _NARROW else 0.44 if c in _SMALL else 0.94 if c in _WIDE
        else 0.74 if c.isupper() else 0.64
        for c in text
    )  # fmt: skip
    return em * font


def text_box(x: float, y: float, anchor: str, text: str, font: float = LABEL_FONT) -> Box:
    """The box a label takes: `x`, `y` its anchor point and baseline, as SVG places it."""
    w = text_width(text, font)
    left = x if anchor == "start" else x - w if anchor == "end" else x - w / 2
    return (left, y - 0.96 * font, w, 1.24 * font)


@dataclass(frozen=True)
class MapPoint:
    """A commune on the map: where, how many ads, and its tooltip."""

    label: str
    lat: float
    lon: float
    ads: int


@dataclass(frozen=True)
class BasePlace:
    """A place of the gazetteer under the map: where, and its area (a département)."""

    lat: float
    lon: float
    area: str  # "62 Pas-de-Calais"


@dataclass(frozen=True)
class _Projection:
    """Equirectangular, scaled by the cosine of the mean latitude, centred on the points."""

    cx: float
    cy: float
    k: float
    scale: float  # px per degree of latitude
    width: float
    height: float

    def x(self, lon: Any) -> Any:
        return self.width / 2 + (lon - self.cx) * self.k * self.scale

    def y(self, lat: Any) -> Any:
        return self.height / 2 + 10 - (lat - self.cy) * self.scale

    @property
    def km_per_px(self) -> float:
        return 111.32 / self.scale


def _area_tones(grid: np.ndarray, n_areas: int) -> np.ndarray:
    """A tone per area such that areas that touch differ (greedy colouring, biggest first)."""
    pairs: set[tuple[int, int]] = set()
    for a, b in ((grid[:, :-1], grid[:, 1:]), (grid[:-1, :], grid[1:, :])):
        cut = (a != b) & (a >= 0) & (b >= 0)
        pairs.update(zip(a[cut].tolist(), b[cut].tolist(), strict=True))
    neighbours: list[set[int]] = [set() for _ in range(n_areas)]
    for one, other in pairs:
        neighbours[one].add(other)
        neighbours[other].add(one)
    sizes = np.bincount(grid[grid >= 0], minlength=n_areas)
    tones = np.full(n_areas, -1, dtype=np.int64)
    for area in sorted(range(n_areas), key=lambda i: (-sizes[i], i)):
        used = {int(tones[b]) for b in neighbours[area]}
        tones[area] = next((t for t in range(len(BASE_TONES)) if t not in used), area % 4)
    return tones


def _cell_runs(mask: np.ndarray, cell: float) -> str:
    """SVG path data covering the true cells of `mask`, one rectangle per run of a row."""
    parts = []
    for row in range(mask.shape[0]):
        line = np.concatenate([[False], mask[row], [False]]).astype(np.int8)
        edges = np.flatnonzero(np.diff(line))
        for start, stop in zip(edges[::2], edges[1::2], strict=True):
            parts.append(
                f"M{_n(start * cell)} {_n(row * cell)}h{_n((stop - start) * cell)}"
                f"v{_n(cell)}h{_n(-(stop - start) * cell)}z"
            )
    return "".join(parts)


def _area_edges(grid: np.ndarray, cell: float) -> str:
    """SVG path data of the lines between cells of two different areas."""
    parts = []
    vertical = (grid[:, :-1] != grid[:, 1:]) & (grid[:, :-1] >= 0) & (grid[:, 1:] >= 0)
    for row, col in zip(*np.nonzero(vertical), strict=True):
        parts.append(f"M{_n((col + 1) * cell)} {_n(row * cell)}v{_n(cell)}")
    horizontal = (grid[:-1, :] != grid[1:, :]) & (grid[:-1, :] >= 0) & (grid[1:, :] >= 0)
    for row, col in zip(*np.nonzero(horizontal), strict=True):
        parts.append(f"M{_n(col * cell)} {_n((row + 1) * cell)}h{_n(cell)}")
    return "".join(parts)


def _base_layer(
    base: Sequence[BasePlace], view: _Projection
) -> tuple[list[str], list[tuple[float, float, str, str]]]:
    """The ground under the points: each cell of the map tinted by the area (département)
    of the nearest known commune, blank where none is within BASE_REACH_KM (sea,
    abroad); white lines where the area changes; area codes where they fit. Derived
    from commune positions only: the lines follow communes, not surveyed borders.
    Returns the SVG parts and where each area's code would go: (x, y, code, name)."""
    if not base:
        return [], []
    from scipy.spatial import cKDTree

    xs = view.x(np.array([b.lon for b in base]))
    ys = view.y(np.array([b.lat for b in base]))
    reach = BASE_REACH_KM / view.km_per_px
    near = (xs > -reach) & (xs < view.width + reach) & (ys > -reach) & (ys < view.height + reach)
    if not near.any():
        return [], []
    codes, areas = pd.factorize(pd.Series([b.area for b in base])[near])
    cols, rows = int(view.width // BASE_CELL), int(view.height // BASE_CELL)
    gx, gy = np.meshgrid((np.arange(cols) + 0.5) * BASE_CELL, (np.arange(rows) + 0.5) * BASE_CELL)
    distance, nearest = cKDTree(np.column_stack([xs[near], ys[near]])).query(
        np.column_stack([gx.ravel(), gy.ravel()])
    )
    grid = np.where(distance <= reach, codes[nearest], -1).reshape(rows, cols)
    tones = _area_tones(grid, len(areas))
    parts = []
    for tone, color in enumerate(BASE_TONES):
        mask = (grid >= 0) & (tones[np.maximum(grid, 0)] == tone)
        if mask.any():
            parts.append(f'<path d="{_cell_runs(mask, BASE_CELL)}" fill="{color}"/>')
    edges = _area_edges(grid, BASE_CELL)
    if edges:
        parts.append(f'<path d="{edges}" stroke="{BASE_EDGE}" stroke-width="1.2" fill="none"/>')
    names = []
    for code, area in enumerate(areas):
        cells = np.argwhere(grid == code)
        short = str(area).split(" ", 1)[0] if re.match(r"\d{2,3}\b|2[AB]\b", str(area)) else ""
        if short and len(cells) >= 60:  # enough of it on the map to name it
            cy, cx = (cells.mean(axis=0) + 0.5) * BASE_CELL
            names.append((float(cx), float(cy) + 4, short, str(area)))
    return parts, names


def _label_spots(x: float, y: float, r: float) -> list[tuple[float, float, str]]:
    """Where a name may go around a circle, nearest first: beside it, then a little
    farther (with a leader line), each time right, left, above and below."""
    spots = []
    for gap in (0.0, 14.0, 28.0):
        d, e = r * 0.71 + 2, gap * 0.71
        spots += [
            (x + r + 3 + gap, y + 4, "start"),
            (x - r - 3 - gap, y + 4, "end"),
            (x + d + e, y - d - e, "start"),
            (x - d - e, y - d - e, "end"),
            (x, y - r - 4 - gap, "middle"),
            (x, y + r + 12 + gap, "middle"),
            (x + d + e, y + d + 8 + e, "start"),
            (x - d - e, y + d + 8 + e, "end"),
        ]
    return spots


@dataclass(frozen=True)
class _Label:
    name: str
    x: float
    y: float
    anchor: str
    leader: tuple[float, float, float, float] | None  # a line from the circle to the name


def _place_labels(
    places: Sequence[tuple[str, float, float, float]],
    width: float,
    height: float,
    blocked: list[Box],
) -> list[_Label]:
    """Where each name goes, biggest first: near its circle, clear of every other name,
    circle and `blocked` box, inside the map; a name that fits nowhere is left out.

    `places` are (name, x, y, radius), most ads first.
    """
    circles = [(x, y, r) for _, x, y, r in places]
    taken = list(blocked)
    placed: list[_Label] = []
    for index, (name, x, y, r) in enumerate(places):
        if len(placed) >= MAP_LABELS:
            break
        for tx, ty, anchor in _label_spots(x, y, r):
            box = text_box(tx, ty, anchor, name)
            inside = box[0] >= 3 and box[1] >= 3 and box[0] + box[2] <= width - 3
            inside = inside and box[1] + box[3] <= height - 3
            if not inside or any(_overlap(box, other) for other in taken):
                continue
            if any(_covers(box, c) for i, c in enumerate(circles) if i != index):
                continue
            taken.append(box)
            # the point of the name's box nearest the circle, and the circle's edge facing it
            near_x = min(max(x, box[0]), box[0] + box[2])
            near_y = min(max(y, box[1]), box[1] + box[3])
            far = math.hypot(near_x - x, near_y - y)
            leader = None
            if far > r + 8:
                ux, uy = (near_x - x) / far, (near_y - y) / far
                leader = (x + ux * r, y + uy * r, near_x - ux * 2, near_y - uy * 2)
            placed.append(_Label(name, tx, ty, anchor, leader))
            break
    return placed


def point_map(
    chart_id: str,
    title: str,
    points: Sequence[MapPoint],
    links: Sequence[tuple[MapPoint, MapPoint, int]],
    counts: Counts,
    words: Callable[[str, int], str],
    base: Sequence[BasePlace] = (),
    width: float = 760,
    height: float = 560,
) -> str:
    """Communes as circles sized by ads, touring moves as lines, names where they fit,
    on a base of départements drawn from `base`; a scale bar in kilometres.

    Equirectangular projection scaled by the cosine of the mean latitude: faithful
    enough at the size of a région; at least some 50 km are shown around the points.
    `words(unit, count)` is the unit of a count in the report's language, singular or
    plural: words("ads", 1) -> "annonce".
    """
    pad = 36.0
    lats = [p.lat for p in points] or [0.0]
    lons = [p.lon for p in points] or [0.0]
    k = math.cos(math.radians(sum(lats) / len(lats)))
    span_x = max((max(lons) - min(lons)) * k, 0.45)
    span_y = max(max(lats) - min(lats), 0.45)
    scale = min((width - 2 * pad) / span_x, (height - 2 * pad - 20) / span_y)
    view = _Projection(
        (max(lons) + min(lons)) / 2, (max(lats) + min(lats)) / 2, k, scale, width, height
    )

    def xy(p: MapPoint) -> tuple[float, float]:
        return float(view.x(p.lon)), float(view.y(p.lat))

    body = [
        f'<rect x="0.5" y="0.5" width="{_n(width - 1)}" height="{_n(height - 1)}" '
        f'fill="#f7f9fb" stroke="{GRID_COLOR}"/>'
    ]
    ground, area_names = _base_layer(base, view)
    body.extend(ground)
    biggest = max([1, *(p.ads for p in points)])
    ordered = sorted(points, key=lambda p: (-p.ads, p.label))
    places = []
    for p in ordered:
        x, y = xy(p)
        shown = max(p.ads, counts.min_count)
        places.append((_cut(p.label, 24), x, y, 3 + 19 * math.sqrt(shown / max(biggest, shown))))
    room = 120 * view.km_per_px  # a scale bar of about 120 px, in a round number of km
    bar_km = max([k for k in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500) if k <= room] or [1])
    bar_px = bar_km / view.km_per_px
    y0 = height - 14
    scale_text = f"{counts.fmt(bar_km)} km"
    scale_box = text_box(20 + bar_px, y0 + 4, "start", scale_text, 10)
    taken: list[Box] = [(12.0, y0 - 6, bar_px + 8 + scale_box[2], 14.0)]
    labels = _place_labels(places, width, height, taken)
    taken += [text_box(label.x, label.y, label.anchor, label.name) for label in labels]
    circles = [(x, y, r) for _, x, y, r in places]
    for x, y, code, area in area_names:  # under everything, where no name or circle is
        box = text_box(x, y, "middle", code, 10)
        if not any(_overlap(box, t) for t in taken) and not any(_covers(box, c) for c in circles):
            taken.append(box)
            body.append(
                f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="middle" font-size="10" '
                f'fill="#8a96a3" class="area"><title>{escape(area)}</title>{escape(code)}</text>'
            )
    widest = max([1, *(n for _, _, n in links)])
    for a, b, persons in links:
        (x1, y1), (x2, y2) = xy(a), xy(b)
        tip = f"{a.label} — {b.label}: {counts.text(persons)} {words('persons', persons)}"
        body.append(
            f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" stroke="{PERSONS_COLOR}" '
            f'stroke-opacity="0.55" stroke-width="{_n(1 + 4 * persons / widest)}" '
            f'stroke-linecap="round"><title>{escape(tip)}</title></line>'
        )
    for p, (_, x, y, radius) in zip(ordered, places, strict=True):
        tip = f"{p.label}: {counts.text(p.ads)} {words('ads', p.ads)}"
        body.append(
            f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(radius)}" fill="{ADS_COLOR}" '
            f'fill-opacity="0.55" stroke="#ffffff" stroke-width="1">'
            f"<title>{escape(tip)}</title></circle>"
        )
    for label in labels:
        if label.leader is not None:
            x1, y1, x2, y2 = label.leader
            body.append(
                f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" '
                f'stroke="{AXIS_COLOR}" stroke-width="0.8"/>'
            )
        body.append(
            f'<text x="{_n(label.x)}" y="{_n(label.y)}" text-anchor="{label.anchor}" '
            f'font-size="11" class="place" paint-order="stroke" stroke="#f7f9fb" '
            f'stroke-width="3">{escape(label.name)}</text>'
        )
    body.append(
        f'<line x1="16" y1="{_n(y0)}" x2="{_n(16 + bar_px)}" y2="{_n(y0)}" stroke="{AXIS_COLOR}" '
        f'stroke-width="2"/><text x="{_n(20 + bar_px)}" y="{_n(y0 + 4)}" font-size="10" '
        f'fill="{AXIS_COLOR}">{escape(scale_text)}</text>'
    )
    return _svg(chart_id, title, width, height, body)
