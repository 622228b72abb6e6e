"""The horizontal bars of the dashboard charts: hidden counts are marked, never drawn at their size."""

from __future__ import annotations

import re

from gateway import charts


def _bars(svg: str) -> list[str]:
    """The data rects (the paired chart's legend swatches are 12 wide at y=6, outside the rows)."""
    return [r for r in re.findall(r"<rect [^>]*/>", svg) if 'y="6"' not in r]


def test_bar_chart_draws_counts_to_scale_and_marks_hidden_ones() -> None:
    svg = charts.bar_chart("Offres", [("A", 1000), ("B", None), ("C", 0), ("D", 1)], "offres", width=720)
    bars = _bars(svg)
    assert bars[0] == '<rect x="330" y="10" width="320" height="20" fill="#1f5fa8" rx="2"/>'
    # The hidden count: a fixed dashed outline, whatever the real value, then "< 5".
    assert bars[1] == (
        '<rect x="330" y="38" width="28" height="20" fill="none" stroke="#595959" stroke-dasharray="3 2"/>'
    )
    assert '<text x="366" y="53" fill="#595959" font-size="13">&lt; 5</text>' in svg
    assert bars[2] == '<rect x="330" y="66" width="0" height="20" fill="#1f5fa8" rx="2"/>'
    assert '<text x="336" y="81" fill="#1b1b1b" font-size="13">0</text>' in svg
    # A count above zero never looks like zero.
    assert bars[3] == '<rect x="330" y="94" width="2" height="20" fill="#1f5fa8" rx="2"/>'


def test_paired_chart_marks_hidden_counts_without_a_bar() -> None:
    svg = charts.paired_chart("Compétences", [("soudure", 50, None)], ("demandées", "disponibles"))
    assert _bars(svg) == ['<rect x="330" y="34" width="320" height="12" fill="#1f5fa8"/>']
    assert '<text x="655" y="44" fill="#1b1b1b" font-size="11">50</text>' in svg
    assert '<text x="334" y="58" fill="#595959" font-size="11">&lt; 5</text>' in svg
