"""The choropleth renderer: valid SVG, one path per place, classes, legend, hidden places hatched."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

import pytest

from common.outlines import Outline, shipped, territory_outlines
from gateway.maps import PALETTE, choropleth, class_of, fr_value, quantile_classes

SVG = "{http://www.w3.org/2000/svg}"


def square(code: str, name: str, x: float, y: float) -> Outline:
    ring = ((x, y), (x + 1, y), (x + 1, y + 1), (x, y + 1))
    return Outline(code, name, (ring,))


OUTLINES = [square(f"{i:02d}", f"Lieu {i}", i % 4, i // 4) for i in range(8)]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def places(root: ET.Element) -> dict[str, ET.Element]:
    return {p.attrib["data-code"]: p for p in root.iter(f"{SVG}path")}


def test_the_map_is_a_labelled_image_with_one_path_per_place() -> None:
    values = {o.code: i * 10 for i, o in enumerate(OUTLINES)}
    root = parse(choropleth(OUTLINES, values, "Offres par lieu", "offres"))
    assert root.tag == f"{SVG}svg"
    assert root.attrib["role"] == "img"
    assert root.attrib["aria-label"] == "Offres par lieu"
    assert root.find(f"{SVG}title") is not None
    found = places(root)
    assert list(found) == [o.code for o in OUTLINES]
    for outline, path in zip(OUTLINES, found.values(), strict=True):
        title = path.find(f"{SVG}title")
        assert title is not None and title.text == f"{outline.name} : {fr_value(values[outline.code])} offres"


def test_higher_values_get_darker_classes() -> None:
    values = {o.code: i for i, o in enumerate(OUTLINES)}
    found = places(parse(choropleth(OUTLINES, values, "Carte", "offres")))
    fills = [found[o.code].attrib["fill"] for o in OUTLINES]
    assert fills[0] == PALETTE[0] and fills[-1] == PALETTE[-1]
    assert [PALETTE.index(f) for f in fills] == sorted(PALETTE.index(f) for f in fills)


def test_hidden_and_missing_values_are_hatched_and_said_so() -> None:
    values: dict[str, int | None] = {o.code: 7 for o in OUTLINES[2:]}
    values[OUTLINES[0].code] = None  # hidden; OUTLINES[1] has no value at all
    root = parse(choropleth(OUTLINES, values, "Carte", "offres", id_prefix="t"))
    found = places(root)
    assert found["00"].attrib["fill"] == found["01"].attrib["fill"] == "url(#t-hachures)"
    assert root.find(f".//{SVG}pattern[@id='t-hachures']") is not None
    title_00, title_01 = found["00"].find(f"{SVG}title"), found["01"].find(f"{SVG}title")
    assert title_00 is not None and title_00.text == "Lieu 0 : masqué"
    assert title_01 is not None and title_01.text == "Lieu 1 : sans donnée"
    assert all(found[o.code].attrib["fill"].startswith("#") for o in OUTLINES[2:])


def test_the_legend_lists_every_class_and_the_hatch() -> None:
    values = {o.code: v for o, v in zip(OUTLINES, [0, 0, 1, 2, 5, 9, 40, 300], strict=True)}
    root = parse(choropleth(OUTLINES, values, "Carte", "offres"))
    legend = root.find(f".//{SVG}g[@class='map-legend']")
    assert legend is not None
    texts = [t.text for t in legend.iter(f"{SVG}text")]
    classes = quantile_classes([float(v) for v in values.values()])
    assert len(texts) == len(classes) + 1
    assert texts[0] == "0 offres" and texts[-1] == "masqué ou sans donnée"
    assert texts[-3:-1] == ["9 à 40 offres", "300 offres"]
    swatches = [r.attrib["fill"] for r in legend.iter(f"{SVG}rect")]
    assert swatches[:-1] == [c.colour for c in classes]


def test_quantile_classes_cover_every_value_once() -> None:
    values = [0.0, 0, 0, 0, 1, 2, 3, 5, 8, 13, 100]
    classes = quantile_classes(values)
    assert classes[0].low == 0 and classes[-1].high == 100
    for below, above in itertools.pairwise(classes):
        assert below.high < above.low
    for v in values:
        assert class_of(v, classes).low <= v <= class_of(v, classes).high
    assert len(quantile_classes([3.0, 3.0, 3.0])) == 1
    assert quantile_classes([]) == []


def test_ratios_and_large_counts_read_in_french() -> None:
    assert fr_value(12345) == "12\u202f345"
    assert fr_value(1.25) == "1,25"


def test_a_map_needs_outlines() -> None:
    with pytest.raises(ValueError):
        choropleth([], {}, "Carte", "offres")


def test_the_shipped_outlines_draw_the_configured_territory() -> None:
    outlines = territory_outlines("commune")
    assert outlines is not None and "IGN" in outlines.notice
    values = {code: 1 for code in outlines.shapes}
    root = parse(choropleth(list(outlines.shapes.values()), values, "Communes", "offres"))
    assert len(places(root)) == len(outlines.shapes)
    # the whole of France's départements is shipped too, with holes and islands as extra rings
    assert len(shipped("departement").shapes) == 96
