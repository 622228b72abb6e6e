from __future__ import annotations

import json

from contracts.offer_import import ImportFormat, detect_format
from services.offers.importing import (
    errors_of,
    ft_hours,
    parse_csv,
    parse_ft_json,
)

HEADER = "source_id,title,commune,contract_type,hours_per_week,skills,openings,conditions,naf_code\n"


def test_csv_rows_become_offers_with_the_commune_resolved() -> None:
    text = (
        HEADER + 'a1,Agent de propreté,Montargis,CDI,24,"nettoyage; tri des déchets",2,early_morning,81.21Z\n'
    )
    rows = parse_csv(text)
    assert errors_of(rows) == []
    offer = rows[0].offer
    assert offer is not None
    assert offer.location.insee_code == "45208" and offer.location.commune == "Montargis"
    assert offer.skills == ["nettoyage", "tri des déchets"]
    assert offer.openings == 2 and offer.source_id == "a1"
    assert offer.conditions[0].value == "early_morning"


def test_csv_errors_name_the_line_and_the_field() -> None:
    text = (
        HEADER
        + "a1,Agent,Montargis,CDI,24,,1,,\n"
        + "a2,Agent,Paris,CDI,24,,1,,\n"
        + "a3,Agent,Gien,CDX,99,,1,,\n"
        + ",,Gien,CDI,20,,1,,\n"
    )
    errors = errors_of(parse_csv(text))
    found = {(e.line, e.field) for e in errors}
    assert (3, "commune") in found
    assert (4, "contract_type") in found and (4, "hours_per_week") in found
    assert (5, "source_id") in found
    assert all(e.line != 2 for e in errors)


def test_csv_with_semicolons_and_insee_code() -> None:
    text = "source_id;title;insee_code;contract_type;hours_per_week\nz;Cariste;45155;interim;35,5\n"
    rows = parse_csv(text)
    assert errors_of(rows) == []
    assert rows[0].offer is not None and rows[0].offer.location.commune == "Gien"
    assert rows[0].offer.hours_per_week == 35.5


def test_csv_header_problems_are_reported_on_line_one() -> None:
    errors = errors_of(parse_csv("title,commune\nx,Gien\n"))
    assert {e.field for e in errors} >= {"source_id", "contract_type"} and {e.line for e in errors} == {1}


FT_RECORD = {
    "id": "180ABCD",
    "intitule": "Plongeur en restauration (H/F)",
    "description": "Plonge et entretien de la cuisine.",
    "lieuTravail": {
        "libelle": "45 - Montargis",
        "latitude": 47.9991,
        "longitude": 2.7373,
        "commune": "45208",
    },
    "romeCode": "G1605",
    "typeContrat": "CDD",
    "dureeTravailLibelle": "24H30/semaine Travail samedi et dimanche",
    "competences": [{"code": "1", "libelle": "Nettoyer la vaisselle"}],
    "entreprise": {"nom": "Restaurant Le Loing", "siret": "12345678901234"},
    "secteurActivite": "56",
    "codeNAF": "56.10A",
    "nombrePostes": 2,
}


def test_france_travail_records_map_to_offers() -> None:
    rows = parse_ft_json(json.dumps([FT_RECORD], indent=2))
    assert errors_of(rows) == []
    offer = rows[0].offer
    assert offer is not None
    assert offer.source_id == "ft:180ABCD" and offer.contract_type.value == "CDD"
    assert offer.hours_per_week == 24.5 and offer.skills == ["Nettoyer la vaisselle"]
    # "samedi et dimanche" in the hours text; the plongeur's ROME fiche adds what the offer is silent on.
    assert offer.conditions[0].value == "weekend_work"
    assert offer.location.insee_code == "45208" and offer.naf_code == "56.10A"
    assert offer.employer_name == "Restaurant Le Loing" and offer.siret == "12345678901234"


def test_france_travail_envelope_and_json_lines_report_lines() -> None:
    bad = dict(FT_RECORD, id="2", typeContrat="XYZ", dureeTravailLibelle="")
    envelope = json.dumps({"resultats": [FT_RECORD, bad]}, indent=2)
    rows = parse_ft_json(envelope)
    assert rows[0].errors == []
    assert {e.field for e in rows[1].errors} == {"typeContrat"}
    assert {w.reason for w in rows[1].warnings} >= {"durée non précisée"}
    assert rows[1].record == 2 and rows[1].errors[0].source_id == "2"
    assert rows[1].line == envelope.splitlines().index("    {", 3) + 1

    lines = "\n".join([json.dumps(FT_RECORD), "{broken", json.dumps(bad)])
    jl = parse_ft_json(lines)
    assert [r.line for r in jl] == [1, 2, 3]
    assert jl[1].errors[0].field == "json"


def test_hours_and_format_detection() -> None:
    assert ft_hours("35H Travail en journée") == 35
    assert ft_hours("", "Temps plein") == 35
    assert ft_hours("") is None
    assert detect_format("offres.json", "") == ImportFormat.FT_JSON
    assert detect_format("offres.csv", "source_id,title") == ImportFormat.CSV
