"""ROME appellations: one package-data file, one loader, read by the autocomplete and the linker."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

from common import rome
from services.matching.linking.taxonomy import load

ROOT = Path(__file__).resolve().parents[3]


def test_every_appellation_carries_both_labels_and_one_principal_per_fiche() -> None:
    items = rome.appellations()
    assert len(items) == 13120
    assert len({a.code for a in items}) == len(items)
    assert all(a.code and a.label and a.long_label and a.rome_code for a in items)
    principals = Counter(a.rome_code for a in items if a.principal)
    assert set(principals) == {a.rome_code for a in items}
    assert set(principals.values()) == {1}


def test_the_autocomplete_shows_the_short_label() -> None:
    found = rome.appellation("10202")
    assert found is not None
    assert found.label == "Accastilleur(se)-monteur(se) électronique de marine"
    assert found.long_label == "Accastilleur-monteur / Accastilleuse-monteuse électronique de marine"
    first = rome.search_appellations("accastilleur monteur")[0]
    assert (first.code, first.label) == ("10202", found.label)
    # the search runs on the short labels only: these words are in 10212's long label, not its short one
    assert "10212" not in {a.code for a in rome.search_appellations("accompagnateur plein air", 50)}


def test_the_linker_reads_the_same_appellations_with_their_long_labels() -> None:
    linker_view = load().appellations
    assert [(a.code_ogr, a.code_rome, a.label, a.principal) for a in linker_view] == [
        (a.code, a.rome_code, a.long_label, a.principal) for a in rome.appellations()
    ]


def test_one_copy_of_the_appellations_in_the_package() -> None:
    copies = sorted(
        str(p.relative_to(ROOT))
        for top in ("common", "services", "gateway", "maillage")
        for p in (ROOT / top).rglob("*appellation*.csv")
    )
    assert copies == ["common/data/rome_appellations_v460.csv"]


def test_common_never_imports_from_services() -> None:
    offenders = []
    for path in (ROOT / "common").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names if n.split(".")[0] == "services"]
    assert offenders == []
