"""Charts as inline SVG, drawn on the server: no script, no external file, readable at a glance.

Each chart is a labelled image (role="img", <title>, <desc>) whose numbers also appear in the table below
it. Hidden counts (1 to 4) are drawn as an empty outline marked "< 5", never as a bar of their real size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

BAR = "#1f5fa8"  # 6.4:1 on white
BAR_2 = "#b3541e"  # 4.9:1 on white
TEXT = "#1b1b1b"
MUTED = "#595959"
GRID = "#d0d0d0"
_counter = [0]


def _id(prefix: str) -> str:
    _counter[0] += 1
    return f"{prefix}-{_counter[0]}"


def _short(label: str, size: int = 40) -> str:
    return label if len(label) <= size else label[: size - 1] + "…"


def _fmt(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


@dataclass(frozen=True)
class _BarStyle:
    """The sizes a chart draws its horizontal bars at; what a bar shows is the same in every chart."""

    thickness: int
    font_size: int
    baseline: int  # of the value's text, below the bar's top
    value_gap: int  # between the bar's end and its value
    rounded: bool
    hidden_outline: bool  # a hidden count also gets an empty dashed box where its bar would be


_SINGLE_BARS = _BarStyle(
    thickness=20, font_size=13, baseline=15, value_gap=6, rounded=True, hidden_outline=True
)
# Two bars share each row: thinner bars, smaller text.
_PAIRED_BARS = _BarStyle(
    thickness=12, font_size=11, baseline=10, value_gap=5, rounded=False, hidden_outline=False
)
_HIDDEN_OUTLINE_WIDTH = 28


def _horizontal_bar(
    value: int | None, x: int, y: int, longest: int, peak: int, colour: str, style: _BarStyle
) -> str:
    """One bar from (x, y), scaled so that the chart's `peak` value is `longest` long, then its value.

    A hidden count (None) is marked "< 5" and never drawn at a size, so the chart cannot reveal it. Any
    count above zero is at least 2 wide, so that it never looks like zero.
    """
    if value is None:
        outline, marker_x = "", x + 4
        if style.hidden_outline:
            outline = (
                f'<rect x="{x}" y="{y}" width="{_HIDDEN_OUTLINE_WIDTH}" height="{style.thickness}" '
                f'fill="none" stroke="{MUTED}" stroke-dasharray="3 2"/>'
            )
            marker_x = x + _HIDDEN_OUTLINE_WIDTH + 8
        return (
            f'{outline}<text x="{marker_x}" y="{y + style.baseline}" fill="{MUTED}" '
            f'font-size="{style.font_size}">&lt; 5</text>'
        )
    length = max(2, round(longest * value / peak)) if value else 0
    corner = ' rx="2"' if style.rounded else ""
    return (
        f'<rect x="{x}" y="{y}" width="{length}" height="{style.thickness}" fill="{colour}"{corner}/>'
        f'<text x="{x + length + style.value_gap}" y="{y + style.baseline}" fill="{TEXT}" '
        f'font-size="{style.font_size}">{_fmt(value)}</text>'
    )


def bar_chart(title: str, rows: Sequence[tuple[str, int | None]], unit: str, width: int = 720) -> str:
    """Horizontal bars, largest first as given; None is a suppressed count."""
    cid = _id("chart")
    label_w, gap, top = 330, 8, 10
    bar_h = _SINGLE_BARS.thickness
    plot_w = width - label_w - 70
    peak = max([v for _, v in rows if v is not None] + [1])
    height = top + len(rows) * (bar_h + gap) + 10
    desc = "; ".join(f"{label} : {'masqué (moins de 5)' if v is None else _fmt(v)}" for label, v in rows)
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {max(height, 40)}" role="img" '
        f'aria-labelledby="{cid}-t {cid}-d" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{cid}-t">{escape(title)} ({escape(unit)})</title>',
        f'<desc id="{cid}-d">{escape(desc)}</desc>',
    ]
    if not rows:
        parts.append(f'<text x="0" y="24" fill="{MUTED}" font-size="14">Aucune donnée.</text>')
    for i, (label, value) in enumerate(rows):
        y = top + i * (bar_h + gap)
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end" fill="{TEXT}" font-size="13">'
            f"{escape(_short(label))}</text>"
        )
        parts.append(_horizontal_bar(value, label_w, y, plot_w, peak, BAR, _SINGLE_BARS))
    parts.append("</svg>")
    return "".join(parts)


def column_chart(title: str, rows: Sequence[tuple[str, int | None]], width: int = 640) -> str:
    """Vertical columns in time order (months)."""
    cid = _id("chart")
    height, bottom, top, left = 220, 40, 20, 10
    plot_h = height - bottom - top
    n = max(len(rows), 1)
    slot = (width - 2 * left) / n
    col_w = min(48.0, slot * 0.7)
    peak = max([v for _, v in rows if v is not None] + [1])
    desc = "; ".join(f"{label} : {'masqué (moins de 5)' if v is None else _fmt(v)}" for label, v in rows)
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{cid}-t {cid}-d" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{cid}-t">{escape(title)}</title><desc id="{cid}-d">{escape(desc)}</desc>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - left}" y2="{top + plot_h}" stroke="{GRID}"/>',
    ]
    for i, (label, value) in enumerate(rows):
        cx = left + slot * i + slot / 2
        parts.append(
            f'<text x="{cx:.1f}" y="{height - 18}" text-anchor="middle" fill="{TEXT}" font-size="12">'
            f"{escape(label)}</text>"
        )
        if value is None:
            parts.append(
                f'<text x="{cx:.1f}" y="{top + plot_h - 6}" text-anchor="middle" fill="{MUTED}" '
                f'font-size="12">&lt; 5</text>'
            )
            continue
        h = max(2, round(plot_h * value / peak)) if value else 0
        parts.append(
            f'<rect x="{cx - col_w / 2:.1f}" y="{top + plot_h - h}" width="{col_w:.1f}" height="{h}" '
            f'fill="{BAR}" rx="2"/><text x="{cx:.1f}" y="{top + plot_h - h - 5}" text-anchor="middle" '
            f'fill="{TEXT}" font-size="12">{_fmt(value)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def paired_chart(
    title: str, rows: Sequence[tuple[str, int | None, int | None]], series: tuple[str, str], width: int = 720
) -> str:
    """Two bars per row (e.g. skills demanded vs available), with a legend."""
    cid = _id("chart")
    label_w, pair_gap, top = 330, 10, 34
    bar_h = _PAIRED_BARS.thickness
    plot_w = width - label_w - 70
    peak = max([v for _, a, b in rows for v in (a, b) if v is not None] + [1])
    height = top + len(rows) * (2 * bar_h + 2 + pair_gap) + 6

    def show(v: int | None) -> str:
        return "masqué (moins de 5)" if v is None else _fmt(v)

    desc = "; ".join(f"{label} : {series[0]} {show(a)}, {series[1]} {show(b)}" for label, a, b in rows)
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {max(height, 50)}" role="img" '
        f'aria-labelledby="{cid}-t {cid}-d" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{cid}-t">{escape(title)}</title><desc id="{cid}-d">{escape(desc)}</desc>',
        f'<rect x="{label_w}" y="6" width="12" height="12" fill="{BAR}"/>'
        f'<text x="{label_w + 18}" y="16" font-size="12" fill="{TEXT}">{escape(series[0])}</text>'
        f'<rect x="{label_w + 190}" y="6" width="12" height="12" fill="{BAR_2}"/>'
        f'<text x="{label_w + 208}" y="16" font-size="12" fill="{TEXT}">{escape(series[1])}</text>',
    ]
    if not rows:
        parts.append(f'<text x="0" y="44" fill="{MUTED}" font-size="14">Aucune donnée.</text>')
    for i, (label, first, second) in enumerate(rows):
        y = top + i * (2 * bar_h + 2 + pair_gap)
        parts.append(
            f'<text x="{label_w - 8}" y="{y + bar_h + 5}" text-anchor="end" fill="{TEXT}" font-size="13">'
            f"{escape(_short(label))}</text>"
        )
        for j, (value, colour) in enumerate(((first, BAR), (second, BAR_2))):
            by = y + j * (bar_h + 2)
            parts.append(_horizontal_bar(value, label_w, by, plot_w, peak, colour, _PAIRED_BARS))
    parts.append("</svg>")
    return "".join(parts)
