"""France Travail Offres d'emploi v2, as the API and its users save it (fixtures written from the API's
published field list, no copied offers): places never bent, every contract code, dates kept, hours
flagged, conditions from the offer and its ROME fiche, errors by record number and offer id."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from common.territory import build_territory
from contracts.offer_import import ImportFormat
from services.offers.importing import (
    ImportContext,
    ParsedRow,
    errors_of,
    parse,
    summary_by_reason,
)
from services.offers.importing.ft_vocabulary import FT_CONTRACTS

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "france_travail"
LOIRET = ImportContext(territory=build_territory("45", 40), today=date(2025, 4, 1))


def load(name: str, ctx: ImportContext = LOIRET) -> list[ParsedRow]:
    return parse((FIXTURES / name).read_text(encoding="utf-8"), ImportFormat.FT_JSON, ctx=ctx)


def by_id(rows: list[ParsedRow]) -> dict[str, ParsedRow]:
    return {row.source_id: row for row in rows}


def test_places_are_where_the_offer_says_never_in_a_same_named_loiret_commune() -> None:
    rows = by_id(load("page_minified.json"))
    essonne = rows["190AAA1"].offer
    assert essonne is not None and essonne.location.insee_code == "91549"  # not Loiret 45278
    mayenne = rows["190AAA2"]
    assert mayenne.offer is None and mayenne.errors[0].reason == "hors du territoire"
    assert "Olivet (53)" in mayenne.errors[0].message and "185 km" in mayenne.errors[0].message
    region = rows["190AAA6"]
    assert region.offer is None and region.errors[0].reason == "lieu trop imprécis"
    assert "région ou un pays" in region.errors[0].message
    nemours = rows["190AAA7"].offer
    assert nemours is not None and nemours.location.insee_code == "77333"


def test_the_band_is_a_setting() -> None:
    narrow = ImportContext(territory=build_territory("45", 10), today=date(2025, 4, 1))
    rows = by_id(load("page_minified.json", narrow))
    assert rows["190AAA1"].offer is None and rows["190AAA7"].offer is None  # Essonne, Nemours: too far
    everywhere = ImportContext(territory=build_territory("all"), today=date(2025, 4, 1))
    mayenne = by_id(load("page_minified.json", everywhere))["190AAA2"].offer
    assert mayenne is not None and mayenne.location.insee_code == "53169"


def test_franchise_and_commercial_contracts_are_kept_with_their_original_code() -> None:
    rows = by_id(load("page_minified.json"))
    franchise = rows["190AAA3"]
    assert franchise.offer is not None and franchise.offer.contract_type.value == "CDI"
    assert franchise.offer.source_contract == "FRA — Franchise"
    assert any(w.reason == "activité non salariée" for w in franchise.warnings)
    assert (
        rows["190AAA5"].offer is not None
        and rows["190AAA5"].offer.source_contract == "CCE — Profession commerciale"
    )


@pytest.mark.parametrize("code", sorted(FT_CONTRACTS))
def test_every_france_travail_contract_code_is_mapped(code: str) -> None:
    record = json.loads((FIXTURES / "offer_pretty.json").read_text(encoding="utf-8"))
    record["typeContrat"] = code
    (row,) = parse(json.dumps(record), ImportFormat.FT_JSON, ctx=LOIRET)
    assert row.offer is not None, row.errors
    assert row.offer.contract_type == FT_CONTRACTS[code].contract
    assert row.offer.source_contract is not None and row.offer.source_contract.startswith(code)


def test_dates_are_the_publication_and_update_dates_and_expiry_follows_them() -> None:
    weekend = by_id(load("page_minified.json"))["190AAA4"].offer
    assert weekend is not None
    assert weekend.published_at == datetime(2025, 2, 17, 10, 15, tzinfo=UTC)
    assert weekend.source_updated_at == datetime(2025, 3, 1, 7, 30, tzinfo=UTC)
    assert weekend.expires_on == date(2025, 5, 30)  # 90 days after the last update, not after the import


def test_hours_implausible_or_missing_are_flagged_not_silently_stored() -> None:
    rows = by_id(load("page_minified.json"))
    one_hour = rows["190AAA5"]
    assert one_hour.offer is not None and one_hour.offer.hours_per_week == 1
    flagged = [w for w in one_hour.warnings if w.reason == "durée invraisemblable"]
    assert flagged and "1 h/semaine" in flagged[0].message
    assert any("durée invraisemblable" in note for note in one_hour.offer.import_notes)
    no_hours = rows["190AAA3"]  # "\nTravail en journée", nothing converted
    assert no_hours.offer is not None and no_hours.offer.hours_per_week == 35
    assert any(w.reason == "durée non précisée" for w in no_hours.warnings)
    record = json.loads((FIXTURES / "offer_pretty.json").read_text(encoding="utf-8"))
    record.update(dureeTravailLibelle="60H", dureeTravailLibelleConverti="Temps plein")
    (sixty,) = parse(json.dumps(record), ImportFormat.FT_JSON, ctx=LOIRET)
    assert sixty.offer is not None and sixty.offer.hours_per_week == 35  # what "Temps plein" means
    assert any("60 h/semaine" in w.message and "35 h retenues" in w.message for w in sixty.warnings)


def test_conditions_come_from_the_offer_then_from_its_rome_fiche() -> None:
    rows = by_id(load("page_minified.json"))
    weekend = rows["190AAA4"].offer  # "Travail le samedi et un dimanche sur deux"
    assert weekend is not None and "weekend_work" in [c.value for c in weekend.conditions]
    nemours = rows["190AAA7"].offer  # "du lundi au vendredi": the ROME fiche's weekends do not apply
    assert nemours is not None and "weekend_work" not in [c.value for c in nemours.conditions]
    essonne = rows["190AAA1"]  # silent on weekends: K2204's usual context applies, and is noted
    assert essonne.offer is not None and "weekend_work" in [c.value for c in essonne.offer.conditions]
    assert any(w.reason == "condition déduite du ROME" and "K2204" in w.message for w in essonne.warnings)
    single = load("offer_pretty.json")[0].offer
    assert single is not None and "driving_licence" in [c.value for c in single.conditions]


def test_occupation_employer_contact_and_origin_are_kept_for_the_offer_sheet() -> None:
    essonne = by_id(load("page_minified.json"))["190AAA1"].offer
    assert essonne is not None
    assert essonne.rome_code == "K2204" and essonne.rome_source == "code France Travail"
    assert essonne.appellation_label == "Agent / Agente de propreté de locaux" and essonne.appellation_code
    assert essonne.employer_name == "PROPRETE DU HUREPOIX" and essonne.employer_url
    assert essonne.contact is not None and essonne.contact["nom"].startswith("PROPRETE")
    assert essonne.origin_url == "https://candidat.francetravail.fr/offres/recherche/detail/190AAA1"


def test_a_single_pretty_printed_offer_is_one_record() -> None:
    rows = load("offer_pretty.json")
    assert len(rows) == 1 and rows[0].record == 1 and errors_of(rows) == []
    assert rows[0].source_id == "190BBB1" and rows[0].offer is not None
    assert rows[0].offer.source_id == "ft:190BBB1"


def test_pages_appended_are_read_in_turn_and_duplicates_reported() -> None:
    rows = load("pages_appended.json")
    assert [(r.record, r.line, r.source_id) for r in rows] == [
        (1, 1, "190AAA4"),
        (2, 1, "190AAA7"),
        (3, 2, "190AAA7"),
        (4, 2, "190AAA3"),
        (5, 2, "190AAA3"),
    ]
    identical, different = rows[2], rows[4]
    assert identical.offer is None and not identical.errors
    assert any("identique, ignoré" in w.message for w in identical.warnings)
    assert different.offer is None and different.errors[0].reason == "doublon dans le fichier"
    assert "enregistrement 4" in different.errors[0].message
    assert summary_by_reason(errors_of(rows)) == [("doublon dans le fichier", 1)]


def test_errors_in_minified_json_name_the_record_and_the_offer() -> None:
    rows = load("broken_minified.json")
    problems = {(e.record, e.source_id, e.field): e for e in errors_of(rows)}
    assert (2, "190CCC9", "typeContrat") in problems
    broken = problems[(3, "", "json")]
    assert "après l'offre 190CCC9" in broken.message and "virgule attendue" in broken.message
    assert broken.describe().startswith("enregistrement 3 ")
    assert rows[0].offer is not None  # the first record is fine


def test_json_lines_with_a_broken_line_go_on_after_it() -> None:
    record: dict[str, Any] = json.loads((FIXTURES / "offer_pretty.json").read_text(encoding="utf-8"))
    lines = "\n".join([json.dumps(record), '{"id": "X", broken', json.dumps(dict(record, id="190BBB2"))])
    rows = parse(lines, ImportFormat.FT_JSON, ctx=LOIRET)
    assert [(r.record, r.line, r.offer is not None) for r in rows] == [
        (1, 1, True),
        (2, 2, False),
        (3, 3, True),
    ]
    assert rows[1].errors[0].reason == "JSON illisible"


def test_only_web_addresses_become_links() -> None:
    record = json.loads((FIXTURES / "offer_pretty.json").read_text(encoding="utf-8"))
    record["origineOffre"] = {"urlOrigine": "javascript:alert(1)"}
    record["entreprise"] = {"nom": "X", "url": "data:text/html,<b>"}
    (row,) = parse(json.dumps(record), ImportFormat.FT_JSON, ctx=LOIRET)
    assert row.offer is not None and row.offer.origin_url is None and row.offer.employer_url is None


def test_shift_work_and_travel_become_conditions_and_a_job_post_is_not_a_shift() -> None:
    record = json.loads((FIXTURES / "offer_pretty.json").read_text(encoding="utf-8"))
    record.update(
        id="190SHIFT", complementExercice="Travail posté en 3x8", conditionExercice="Déplacements fréquents"
    )
    (shifts,) = parse(json.dumps(record), ImportFormat.FT_JSON, ctx=LOIRET)
    assert shifts.offer is not None
    assert {"shift_work", "travel"} <= {c.value for c in shifts.offer.conditions}
    record.update(
        id="190POST", complementExercice="Poste à pourvoir, travail en équipe", conditionExercice=""
    )
    (post,) = parse(json.dumps(record), ImportFormat.FT_JSON, ctx=LOIRET)
    assert post.offer is not None and "shift_work" not in {c.value for c in post.offer.conditions}
