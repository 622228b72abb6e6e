"""CSV imports: a partner's export through a column mapping, records (not lines) counted, French messages,
places resolved with their département."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from common.territory import build_territory
from contracts.offer_import import ImportFormat
from services.offers.importing import (
    ColumnMapping,
    ImportContext,
    MappingError,
    errors_of,
    parse,
    parse_csv,
)
from services.offers.importing.csv_source import FIELDS

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "partner"
LOIRET = ImportContext(territory=build_territory("45", 40), today=date(2025, 4, 1))


def test_a_partner_export_imports_through_its_mapping_file() -> None:
    mapping = ColumnMapping.load(FIXTURES / "mission_locale.toml")
    text = (FIXTURES / "mission_locale.csv").read_text(encoding="utf-8")
    rows = {r.source_id: r for r in parse(text, ImportFormat.CSV, ctx=LOIRET, mapping=mapping)}
    cleaning = rows["ml-montargois:ML-001"].offer
    assert cleaning is not None and cleaning.contract_type.value == "CDD" and cleaning.hours_per_week == 26
    assert cleaning.location.insee_code == "45208" and "du matin" in cleaning.description
    assert cleaning.published_at == datetime(2025, 3, 4, tzinfo=UTC) and cleaning.expires_on == date(
        2025, 6, 2
    )
    nemours = rows["ml-montargois:ML-002"].offer
    assert (
        nemours is not None
        and nemours.location.insee_code == "77333"
        and nemours.contract_type.value == "interim"
    )
    mayenne = rows["ml-montargois:ML-003"]
    assert mayenne.offer is None and mayenne.errors[0].reason == "hors du territoire"
    no_hours = rows["ml-montargois:ML-004"]
    assert no_hours.offer is None and no_hours.errors[0].message.startswith("durée hebdomadaire obligatoire")
    assert (no_hours.record, no_hours.line) == (4, 6)  # the record after a two-line one


def test_a_bad_mapping_is_refused_in_french(tmp_path: Path) -> None:
    path = tmp_path / "m.toml"
    path.write_text('[columns]\ntitle = "Poste"\nsalary = "Salaire"\n', encoding="utf-8")
    with pytest.raises(MappingError, match="champs inconnus dans la correspondance : salary"):
        ColumnMapping.load(path)
    path.write_text("delimiter = ';'\n", encoding="utf-8")
    with pytest.raises(MappingError, match=r"section \[columns\]"):
        ColumnMapping.load(path)


def test_a_column_named_by_the_mapping_but_absent_is_reported(tmp_path: Path) -> None:
    mapping = ColumnMapping.load(FIXTURES / "mission_locale.toml")
    rows = parse_csv(
        "Référence;Intitulé du poste;Contrat;Durée hebdo\nA;B;CDI;35\n", ctx=LOIRET, mapping=mapping
    )
    assert {e.field for e in errors_of(rows)} >= {"Ville", "Dépt"}


def test_progress_counts_records_and_messages_are_french() -> None:
    text = (
        "source_id,title,description,commune,contract_type,hours_per_week\n"
        'a,Agent,"ligne 1\nligne 2\nligne 3",Montargis,CDI,\n'
        "b,Agent,,Gien,CDI,20\n"
    )
    seen: list[tuple[int, int]] = []
    rows = parse_csv(text, progress=lambda done, total: seen.append((done, total)), ctx=LOIRET)
    assert seen[-1] == (2, 2)
    (error,) = errors_of(rows)
    assert (error.record, error.line, error.source_id) == (1, 2, "a")
    assert error.message == "durée hebdomadaire obligatoire (heures par semaine)"


def test_names_need_their_departement_outside_the_territory() -> None:
    header = "source_id,title,commune,departement,contract_type,hours_per_week\n"
    rows = parse_csv(header + "a,Agent,Olivet,,CDI,20\nb,Agent,Olivet,53,CDI,20\n", ctx=LOIRET)
    assert rows[0].offer is not None and rows[0].offer.location.insee_code == "45232"
    assert rows[1].offer is None and "Olivet (53)" in rows[1].errors[0].message


def test_lines_ended_by_a_lone_carriage_return_are_read_as_lines() -> None:
    text = (FIXTURES / "mission_locale.csv").read_text(encoding="utf-8")
    mapping = ColumnMapping.load(FIXTURES / "mission_locale.toml")
    as_mac = text.replace("\r\n", "\n").replace("\n", "\r")
    assert [r.source_id for r in parse(as_mac, ImportFormat.CSV, ctx=LOIRET, mapping=mapping)] == [
        r.source_id for r in parse(text, ImportFormat.CSV, ctx=LOIRET, mapping=mapping)
    ]


@pytest.mark.parametrize(
    "text",
    [
        "source_id,title\r"
        + "x" * 10
        + "\n",  # a carriage return inside the header line (found by the fuzzer)
        ",".join(FIELDS) + '\n"' + "x" * 200_000 + '"\n',  # a field past the csv module's limit
    ],
)
def test_what_the_csv_module_cannot_read_is_one_error_not_a_crash(text: str) -> None:
    rows = parse(text, ImportFormat.CSV, ctx=LOIRET)
    assert rows and errors_of(rows)


def test_an_unreadable_record_names_its_line() -> None:
    text = ",".join(FIELDS) + '\n"' + "x" * 200_000 + '"\n'
    [error] = errors_of(parse(text, ImportFormat.CSV, ctx=LOIRET))
    assert error.reason == "fichier illisible" and "ligne" in error.message
