"""Writing tables as CSV and XLSX that a spreadsheet can never run. Pure: no Django import.

Every export (pupil lists, the SEN register, later assessments) declares its columns once, as
`Column`s, and gets both formats from the same rows:

    columns = [Column("UPN", lambda p: p.upn), Column("Date of birth", lambda p: p.dob)]
    headings, rows = table(columns, pupils)
    csv_bytes(headings, rows)            # UTF-8 with a BOM, CRLF line ends
    xlsx_bytes(headings, rows, "Pupils")  # bold, frozen header row; no formula anywhere

Formula injection (DESIGN.md, "Data rules"). A cell whose text starts with `=`, `+`, `-`, `@`, a
tab or a carriage return can be taken as a formula (`=HYPERLINK(...)`, `=cmd|'/c calc'!A1`) by
Excel, LibreOffice or Google Sheets. The two formats are made safe in different ways:

- **CSV** has no types: every field is text the spreadsheet guesses at when it opens the file.
  The only defence is OWASP's: put a single quote `'` before such text (`safe_text`), and quote
  every field, so that a separator inside a field (`;` in a European Excel) cannot start a new,
  unprefixed field. The quote shows in the spreadsheet: `'=HYPERLINK(...)`, `'+44 7700 900123`.
  That is the price DESIGN.md accepts for CSV; `from_safe_text` takes the quote off again, for an
  import reading back one of our own files.
- **XLSX** has types. Text is written as an explicit string cell (data type "s", an inline
  string), and a spreadsheet never evaluates a string cell: only a cell of type formula has a
  formula. So the text is written exactly as it is, with no visible quote to spoil a phone number
  or a name. A cell that starts like a formula also gets the `quotePrefix` style, which is what
  Excel itself records when a person types `'=...`: the quote is hidden, and if someone edits the
  cell and presses Enter it stays text instead of turning into a formula. (openpyxl would otherwise
  turn any text starting with `=` into a formula cell, and `#N/A` into an error cell: we set the
  type ourselves.)

The full-width forms of the four characters (U+FF1D, U+FF0B, U+FF0D, U+FF20) are treated the
same, as a precaution: some East Asian spreadsheet set-ups read them as their ASCII forms.

Values:
- `None` is an empty cell; `True`/`False` are "Yes"/"No" (plain words, the same in both formats).
- int, float and Decimal stay numbers (in CSV written bare, so they are numbers when opened); an
  integer with more than 15 digits, which Excel would round, is written as text in XLSX.
  A NaN or an infinity is written as text.
- dates and datetimes stay dates in XLSX (shown dd/mm/yyyy, sortable); CSV has ISO 8601
  (2015-09-01), which Excel and LibreOffice read as a date in any locale. Give datetimes in local
  time: a time zone is dropped, as XLSX has none.
- anything else (text, UUIDs, lazy strings) is `str()`-ed and is text: a phone number stays text
  and keeps its leading zero or "+" in XLSX. (In CSV, Excel may still turn `07700900123` into a
  number when it opens the file: XLSX is the format to give people.)
- XLSX cannot hold the control characters U+0000-U+0008, U+000B, U+000C and U+000E-U+001F: each
  becomes U+FFFD. XML turns a carriage return into a line feed, so line ends in XLSX text are
  `\\n`. A cell holds at most 32,767 characters (Excel's limit); longer text is cut there.
"""

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# What a spreadsheet may read as the start of a formula (OWASP's list, and full-width forms).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
QUOTE = "'"
XLSX_MAX_TEXT = 32_767
XLSX_DATE_FORMAT = "dd/mm/yyyy"
XLSX_DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
EXCEL_EXACT_DIGITS = 15
WIDTH_MIN, WIDTH_MAX = 6, 60
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SHEET_TITLE_ILLEGAL = re.compile(r"[\[\]:*?/\\]")

Row = TypeVar("Row")


@dataclass(frozen=True)
class Column(Generic[Row]):
    """One column of an export: its heading, and how to get its value from a row's object."""

    heading: str
    value: Callable[[Row], Any]


def table(columns: Sequence[Column[Row]], objects: Iterable[Row]) -> tuple[list[str], list[list]]:
    """The headings and the rows of values, ready for `csv_bytes` or `xlsx_bytes`."""
    return [c.heading for c in columns], [[c.value(o) for c in columns] for o in objects]


def starts_formula(text: str) -> bool:
    """Could a spreadsheet take this text for a formula?"""
    return text.startswith(FORMULA_STARTS)


def safe_text(value: Any) -> str:
    """The text of a CSV cell that no spreadsheet runs: a leading `'` where it could start a
    formula. Text that already starts with quotes before such a character gets one more, so that
    `from_safe_text` gives back exactly what was written."""
    text = "" if value is None else str(value)
    if starts_formula(text.lstrip(QUOTE)):
        return QUOTE + text
    return text


def from_safe_text(text: str) -> str:
    """The inverse of `safe_text`: the text as it was before the quote was added."""
    if text.startswith(QUOTE) and starts_formula(text.lstrip(QUOTE)):
        return text[1:]
    return text


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _finite(value: int | float | Decimal) -> bool:
    return value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)


def csv_cell(value: Any) -> str:
    """One value as CSV text: numbers bare, dates in ISO 8601, other text through `safe_text`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if _is_number(value) and _finite(value):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None).isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    return safe_text(value)


def csv_bytes(headings: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A CSV file: UTF-8 with a byte order mark (so Excel reads accents), CRLF line ends, every
    field quoted, every cell made safe."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([csv_cell(h) for h in headings])
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_text(value: Any) -> str:
    """The text an XLSX string cell holds: what XML and Excel can keep of it."""
    text = _XLSX_ILLEGAL.sub("\ufffd", str(value))
    return text.replace("\r\n", "\n").replace("\r", "\n")[:XLSX_MAX_TEXT]


def _xlsx_cell(sheet, value: Any, bold: Font | None = None):
    """A cell whose type we chose, or None for an empty one."""
    if value is None and bold is None:
        return None
    cell = WriteOnlyCell(sheet)
    if value is None:
        pass
    elif isinstance(value, bool):
        _text_cell(cell, "Yes" if value else "No")
    elif _is_number(value) and _finite(value):
        exact = not isinstance(value, int) or len(str(abs(value))) <= EXCEL_EXACT_DIGITS
        if exact:
            cell.value = value
        else:
            _text_cell(cell, str(value))
    elif isinstance(value, dt.datetime):
        cell.value = value.replace(tzinfo=None)
        cell.number_format = XLSX_DATETIME_FORMAT
    elif isinstance(value, dt.date):
        cell.value = value
        cell.number_format = XLSX_DATE_FORMAT
    else:
        _text_cell(cell, value)
    if bold is not None:
        cell.font = bold
    return cell


def _text_cell(cell, value: Any) -> None:
    original = str(value)
    cell.value = xlsx_text(original)
    cell.data_type = "s"  # never "f" (formula) or "e" (error), whatever the text
    if starts_formula(original):
        cell.quotePrefix = True


def _shown_width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    lines = csv_cell(value).split("\n")
    return max(len(line) for line in lines)


def sheet_title(title: str) -> str:
    """A worksheet name Excel accepts: at most 31 characters, none of []:*?/\\, no edge quote."""
    cleaned = _SHEET_TITLE_ILLEGAL.sub(" ", xlsx_text(title)).strip().strip(QUOTE).strip()
    return cleaned[:31].strip() or "Sheet1"


def xlsx_bytes(headings: Sequence[str], rows: Iterable[Sequence[Any]], title: str) -> bytes:
    """An XLSX workbook of one sheet: a bold, frozen, filterable header row that repeats on each
    printed page, columns as wide as their content, and no formula in any cell."""
    lines = [list(r) for r in rows]
    workbook = Workbook(write_only=True)
    workbook.properties.creator = "OpenSENCO"
    sheet = workbook.create_sheet(sheet_title(title))
    width = len(headings)
    for index, heading in enumerate(headings):
        shown = max(
            [len(str(heading)) + 2] + [_shown_width(r[index]) + 1 for r in lines if index < len(r)]
        )
        letter = get_column_letter(index + 1)
        sheet.column_dimensions[letter].width = min(max(shown, WIDTH_MIN), WIDTH_MAX)
    if width:
        sheet.freeze_panes = "A2"
        sheet.print_title_rows = "1:1"
        sheet.auto_filter.ref = f"A1:{get_column_letter(width)}{len(lines) + 1}"
    bold = Font(bold=True)
    sheet.append([_xlsx_cell(sheet, h, bold) for h in headings])
    for line in lines:
        sheet.append([_xlsx_cell(sheet, v) for v in line])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
