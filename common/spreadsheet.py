"""CSV that a French office opens safely: `;` separators and a UTF-8 byte order mark (what French Excel
needs to split the columns and read the accents), and no cell that a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

SEPARATOR = ";"  # French Excel's list separator
UTF8_BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet may read as the start of a formula


def safe_cell(cell: object) -> str:
    """The cell as text no spreadsheet runs: one starting like a formula (an employer may post a skill
    `=HYPERLINK(...)`) gets a leading apostrophe, which spreadsheets show as the text it is (OWASP)."""
    text = str(cell)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class SpreadsheetCsv:
    def __init__(self) -> None:
        self._out = io.StringIO()
        self._out.write(UTF8_BOM)
        # CRLF, as RFC 4180 and Excel expect; it also makes the writer quote a cell holding a bare CR.
        self._writer = csv.writer(self._out, delimiter=SEPARATOR, lineterminator="\r\n")

    def row(self, cells: Iterable[object]) -> None:
        self._writer.writerow([safe_cell(cell) for cell in cells])

    def text(self) -> str:
        return self._out.getvalue()
