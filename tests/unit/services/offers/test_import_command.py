"""`maillage import-offers`: all or nothing, idempotent, errors by line; and create_many's one transaction."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from common.db import make_engine
from common.identity import Caller, Role
from common.outbox import OutboxMessage
from maillage.cli import main
from maillage.importer import offers_service
from scripts.make_offers_csv import write
from services.offers.adapters.sql import OfferRow


def counts(data_dir: Path) -> tuple[int, int, int]:
    offers_service(str(data_dir))  # the store the command writes to, migrated
    with Session(make_engine(f"sqlite:///{data_dir.resolve() / 'offers.db'}")) as session:
        offers = session.exec(select(func.count()).select_from(OfferRow)).one()
        versions = session.exec(select(func.sum(OfferRow.version))).one() or 0
        events = session.exec(select(func.count()).select_from(OutboxMessage)).one()
    return int(offers), int(versions), int(events)


def test_import_then_reimport_changes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "offres.csv"
    write(path, 300)
    assert main(["import-offers", str(path), "--data-dir", str(tmp_path), "--employer", "employer"]) == 0
    assert counts(tmp_path) == (300, 300, 300)
    out = capsys.readouterr()
    assert "créées : 300" in out.out and "Écriture" in out.err and "300/300" in out.err
    assert main(["import-offers", str(path), "--data-dir", str(tmp_path), "--employer", "employer"]) == 0
    assert counts(tmp_path) == (300, 300, 300)  # no new version, no new event
    assert "inchangées : 300" in capsys.readouterr().out


def test_a_broken_file_imports_nothing_unless_partial(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "offres.csv"
    write(path, 100, broken=3)
    assert main(["import-offers", str(path), "--data-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    # Records are counted from the first offer (the header is not one); the offer id is named.
    assert "enregistrement 26 (offre gen-000025, ligne 27) · hours_per_week" in err
    assert "enregistrement 51 (offre gen-000050, ligne 52) · contract_type" in err
    assert "Refus par motif" in err and "durée invraisemblable : 2 enregistrement(s)" in err
    assert "Rien n'a été importé" in err
    assert counts(tmp_path)[0] == 0
    assert main(["import-offers", str(path), "--data-dir", str(tmp_path), "--partial"]) == 0
    assert counts(tmp_path)[0] == 97


def test_create_many_is_one_transaction(tmp_path: Path) -> None:
    from scripts.make_offers_csv import rows
    from services.offers.importing import parse_csv

    path = tmp_path / "offres.csv"
    write(path, 10)
    offers = [r.offer for r in parse_csv(path.read_text(encoding="utf-8")) if r.offer]
    service = offers_service(str(tmp_path))
    service.create_many(Caller("emp-a", Role.EMPLOYER), offers[:5])
    # Another employer's source id in the batch: the whole batch fails, the first five new rows too.
    from common.errors import Conflict

    with pytest.raises(Conflict):
        service.create_many(Caller("emp-b", Role.EMPLOYER), offers[5:] + offers[:1])
    assert counts(tmp_path)[0] == 5
    assert len(rows(3)) == 3
