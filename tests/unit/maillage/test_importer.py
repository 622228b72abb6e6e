"""`maillage import-offers` on France Travail files and drop folders: records counted, errors by record
and offer id, a summary by reason, --dry-run, --full-feed closing what a feed no longer lists."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlmodel import Session, select

from common.db import make_engine
from maillage.cli import main
from maillage.importer import offers_service
from services.offers.adapters.sql import OfferRow

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def stored(data_dir: Path) -> dict[str, OfferRow]:
    offers_service(str(data_dir))  # the store the command writes to, migrated
    with Session(make_engine(f"sqlite:///{data_dir.resolve() / 'offers.db'}")) as session:
        return {str(r.source_id): r for r in session.exec(select(OfferRow)).all()}


def run(*args: str) -> int:
    return main(["import-offers", *args])


def test_a_france_travail_page_reports_by_record_and_sums_up(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = str(FIXTURES / "france_travail" / "page_minified.json")
    assert run(page, "--data-dir", str(tmp_path)) == 1
    err = capsys.readouterr().err
    assert "7/7" in err  # progress counts records, not lines (the file is one line)
    assert "enregistrement 2 (offre 190AAA2, ligne 1) · lieuTravail : Olivet (53) est à 185 km" in err
    assert "enregistrement 6 (offre 190AAA6, ligne 1) · lieuTravail : Ile-de-France : une région" in err
    assert "hors du territoire : 1 enregistrement(s)" in err and "lieu trop imprécis : 1" in err
    assert stored(tmp_path) == {}
    assert run(page, "--data-dir", str(tmp_path), "--partial") == 0
    offers = stored(tmp_path)
    assert set(offers) == {f"ft:190AAA{i}" for i in (1, 3, 4, 5, 7)}
    assert (
        offers["ft:190AAA1"].insee_code == "91549"
        and offers["ft:190AAA3"].source_contract == "FRA — Franchise"
    )
    assert offers["ft:190AAA4"].published_at is not None and offers["ft:190AAA4"].published_at.month == 2
    assert "créées : 5" in capsys.readouterr().out
    assert run(page, "--data-dir", str(tmp_path), "--partial") == 0
    assert "inchangées : 5" in capsys.readouterr().out  # idempotent by source id, dates included


def test_dry_run_checks_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    single = str(FIXTURES / "france_travail" / "offer_pretty.json")
    assert run(single, "--data-dir", str(tmp_path), "--dry-run", "--verbose") == 0
    out = capsys.readouterr()
    assert "1 offre(s) importable(s) sur 1 enregistrement(s), rien n'a été écrit" in out.out
    assert "condition déduite" not in out.err and "contexte habituel du métier K1304" in out.err
    assert stored(tmp_path) == {}


def test_a_full_feed_closes_what_it_no_longer_lists(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = json.loads((FIXTURES / "france_travail" / "page_minified.json").read_text(encoding="utf-8"))
    keep = [r for r in source["resultats"] if r["id"] in ("190AAA1", "190AAA3", "190AAA4")]
    first, second = tmp_path / "j1.json", tmp_path / "j2.json"
    first.write_text(json.dumps({"resultats": keep}), encoding="utf-8")
    second.write_text(json.dumps({"resultats": keep[:2]}), encoding="utf-8")
    data = str(tmp_path / "var")
    assert run(str(first), "--data-dir", data, "--full-feed") == 0
    assert run(str(second), "--data-dir", data, "--full-feed") == 0
    assert "fermées (absentes du flux) : 1" in capsys.readouterr().out
    offers = stored(Path(data))
    assert offers["ft:190AAA4"].status == "closed" and offers["ft:190AAA1"].status == "active"


def test_a_drop_folder_is_imported_file_by_file_and_archived(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    shutil.copy(FIXTURES / "france_travail" / "offer_pretty.json", drop / "a.json")
    shutil.copy(FIXTURES / "france_travail" / "broken_minified.json", drop / "b.json")
    (drop / "notes.txt").write_text("pas un flux", encoding="utf-8")
    assert run(str(drop), "--data-dir", str(tmp_path / "var"), "--archive") == 1
    assert (drop / "traites" / "a.json").exists() and (drop / "refuses" / "b.json").exists()
    assert (drop / "notes.txt").exists()
    assert "enregistrement 3 (ligne 1) · json : JSON invalide" in capsys.readouterr().err
    assert set(stored(tmp_path / "var")) == {"ft:190BBB1"}


def test_full_feed_of_a_csv_needs_a_source_prefix_and_a_bad_mapping_stops(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = tmp_path / "o.csv"
    csv.write_text(
        "source_id,title,commune,contract_type,hours_per_week\na,Agent,Gien,CDI,20\n", encoding="utf-8"
    )
    assert run(str(csv), "--data-dir", str(tmp_path), "--full-feed") == 2
    assert "--full-feed demande un préfixe de source" in capsys.readouterr().err
    bad = tmp_path / "m.toml"
    bad.write_text("columns = 3\n", encoding="utf-8")
    assert run(str(csv), "--data-dir", str(tmp_path), "--mapping", str(bad)) == 2
    assert "Correspondance refusée" in capsys.readouterr().err
    partner = FIXTURES / "partner"
    args = ["--data-dir", str(tmp_path), "--mapping", str(partner / "mission_locale.toml"), "--partial"]
    assert run(str(partner / "mission_locale.csv"), *args) == 0
    assert set(stored(tmp_path)) == {"ml-montargois:ML-001", "ml-montargois:ML-002"}
