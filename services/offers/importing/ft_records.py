"""Splitting a France Travail file into offer records, whatever its shape: the API's envelope
{"resultats": [...]} (minified or pretty-printed), a bare array, JSON Lines, pages appended one after
the other, or one offer pretty-printed (what GET /offres/{id} saves). Records are numbered from 1 across
the whole file; each keeps the line where it starts, which says little in a minified file."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from common.http import MAX_JSON_DEPTH, json_depth

ENVELOPE = re.compile(r'"resultats"\s*:\s*\[')
_JSON_FR = {
    "Expecting value": "valeur attendue",
    "Expecting ',' delimiter": "virgule attendue",
    "Expecting ':' delimiter": "deux-points attendus",
    "Expecting property name enclosed in double quotes": "nom de champ entre guillemets attendu",
    "Unterminated string starting at": "chaîne non terminée",
    "Invalid control character at": "caractère de contrôle dans une chaîne",
    "Extra data": "données en trop",
    "Invalid \\escape": "séquence d'échappement invalide",
}


@dataclass(frozen=True)
class RawRecord:
    number: int
    line: int
    value: Any = None
    problem: str = ""  # French: why the record could not be read


class _Lines:
    """Line of a position, counted incrementally (positions only grow)."""

    def __init__(self, text: str) -> None:
        self.text, self.pos, self.line = text, 0, 1

    def at(self, pos: int) -> int:
        if pos < self.pos:
            return self.text.count("\n", 0, pos) + 1
        self.line += self.text.count("\n", self.pos, pos)
        self.pos = pos
        return self.line


def french_json_error(exc: json.JSONDecodeError) -> str:
    reason = next((fr for en, fr in _JSON_FR.items() if exc.msg.startswith(en)), exc.msg)
    return f"JSON invalide ({reason}, ligne {exc.lineno}, colonne {exc.colno})"


def _skip(text: str, pos: int, extra: str = "") -> int:
    while pos < len(text) and (text[pos].isspace() or text[pos] in extra):
        pos += 1
    return pos


def records(text: str) -> Iterator[RawRecord]:
    """Every record of the file, in order; a value that cannot be read ends the file's reading there
    unless the next line starts a new value (JSON Lines), so one broken line does not hide the rest."""
    if json_depth(text.encode("utf-8", "replace")) > MAX_JSON_DEPTH:
        # Python's decoder recurses once per level: a file of nested brackets would exhaust the stack.
        yield RawRecord(1, 1, problem=f"JSON illisible : imbrication de plus de {MAX_JSON_DEPTH} niveaux")
        return
    decoder, lines = json.JSONDecoder(), _Lines(text)
    number, pos = 0, _skip(text, 0)
    while pos < len(text):
        start_line = lines.at(pos)
        envelope = ENVELOPE.match(text, _skip(text, pos + 1)) if text[pos] == "{" else None
        if text[pos] == "[" or envelope:
            array_at = text.index("[", pos) if envelope else pos
            items, pos, number = _array(text, array_at, decoder, lines, number)
            yield from items
            if items and items[-1].problem:  # broken: `pos` is where the next value starts, if any
                continue
            pos = _skip(text, pos)
            if envelope:  # the rest of the envelope: other keys and the closing brace
                pos = _close_envelope(text, pos, decoder)
            pos = _skip(text, pos)
            continue
        number += 1
        try:
            value, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            yield RawRecord(number, start_line, problem=french_json_error(exc))
            pos = _next_line(text, exc.pos)
            continue
        found = ENVELOPE.search(text, pos, end) if isinstance(value, dict) and "resultats" in value else None
        if found:  # an envelope whose "resultats" is not its first key
            items, _, number = _array(text, found.end() - 1, decoder, lines, number - 1)
            yield from items
        else:
            yield RawRecord(number, start_line, value)
        pos = _skip(text, end)


def _close_envelope(text: str, pos: int, decoder: json.JSONDecoder) -> int:
    """After the resultats array: skip `, "key": value` pairs up to the envelope's closing brace."""
    while pos < len(text) and text[pos] == ",":
        pos = _skip(text, pos + 1)
        try:
            _, pos = decoder.raw_decode(text, pos)  # key
            pos = _skip(text, pos, ":")
            _, pos = decoder.raw_decode(text, pos)  # value
        except json.JSONDecodeError:
            return _next_line(text, pos)
        pos = _skip(text, pos)
    return pos + 1 if pos < len(text) and text[pos] == "}" else pos


_VALUE_AT_LINE_START = re.compile(r"^[{\[]", re.MULTILINE)


def _next_line(text: str, pos: int) -> int:
    """Where reading can resume after a broken value: the next line starting, unindented, with a new
    value (JSON Lines, pages appended); the end of the text when there is none."""
    newline = text.find("\n", pos)
    found = _VALUE_AT_LINE_START.search(text, newline + 1) if newline >= 0 else None
    return found.start() if found else len(text)


def _array(
    text: str, pos: int, decoder: json.JSONDecoder, lines: _Lines, number: int
) -> tuple[list[RawRecord], int, int]:
    """The items of the array opening at `pos` and the position after it; when an item is broken, the
    last item says why and the position is where reading may resume."""
    found: list[RawRecord] = []
    pos += 1
    while True:
        pos = _skip(text, pos, ",")
        if pos >= len(text):
            found.append(RawRecord(number + 1, lines.at(pos), problem="JSON invalide (tableau non terminé)"))
            return found, len(text), number + 1
        if text[pos] == "]":
            return found, pos + 1, number
        number += 1
        line = lines.at(pos)
        try:
            value, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            after = (
                f" après l'offre {found[-1].value.get('id')}"
                if found and isinstance(found[-1].value, dict)
                else ""
            )
            problem = f"{french_json_error(exc)}{after} ; la suite de ce tableau n'est pas lue"
            found.append(RawRecord(number, line, problem=problem))
            return found, _next_line(text, exc.pos), number
        found.append(RawRecord(number, line, value))
