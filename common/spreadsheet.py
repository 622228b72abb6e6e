"""Tables a French office opens safely.

CSV: `;` separators, decimal commas and a UTF-8 byte order mark by default (what French Excel needs to
split the columns, read the numbers and the accents); `,` and decimal points for tools. XLSX through
openpyxl. In both, no cell that a spreadsheet would run as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

SEPARATOR = ";"  # French Excel's list separator
UTF8_BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet may read as the start of a formula

Value = str | int | float | None


def safe_cell(cell: object) -> str:
    """The cell as text no spreadsheet runs: one starting like a formula (an employer may post a skill
    `=HYPERLINK(...)`) gets a leading apostrophe, which spreadsheets show as the text it is (OWASP)."""
    text = str(cell)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class SpreadsheetCsv:
    """`SpreadsheetCsv()` for French Excel; `SpreadsheetCsv(",")` for tools (no BOM, decimal points)."""

    def __init__(self, separator: str = SEPARATOR) -> None:
        self._french = separator == SEPARATOR
        self._out = io.StringIO()
        if self._french:
            self._out.write(UTF8_BOM)
        # CRLF, as RFC 4180 and Excel expect; it also makes the writer quote a cell holding a bare CR.
        self._writer = csv.writer(self._out, delimiter=separator, lineterminator="\r\n")

    def _text(self, cell: object) -> str:
        if cell is None:
            return ""
        if isinstance(cell, float) and self._french:
            return str(cell).replace(".", ",")
        if isinstance(cell, (int, float)):
            return str(cell)
        return safe_cell(cell)

    def row(self, cells: Iterable[object]) -> None:
        self._writer.writerow([self._text(cell) for cell in cells])

    def text(self) -> str:
        return self._out.getvalue()


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[Sequence[Value]]]]) -> bytes:
    """A workbook of named sheets (first row: the header). Text is stored as text, never as a formula:
    openpyxl would otherwise write a string starting with `=` as one."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title[:31])
        for r, values in enumerate(rows, start=1):
            for c, value in enumerate(values, start=1):
                cell = sheet.cell(row=r, column=c)
                if isinstance(value, str):
                    cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)  # XML has no place for them
                    cell.data_type = "s"
                else:
                    cell.value = value
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
