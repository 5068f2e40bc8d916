"""Reading a spreadsheet someone uploaded: CSV in whatever encoding the MIS wrote, or XLSX.

Pure (no Django): bytes in, a table of text cells out, or `FileRefused` with a message that says
what is wrong and what to do. Everything here is untrusted input.
"""

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field

XLSX_MAGIC = b"PK\x03\x04"
OLD_EXCEL_MAGIC = b"\xd0\xcf\x11\xe0"
NOT_SPREADSHEETS = {
    b"%PDF": "a PDF",
    b"\x89PNG": "a PNG picture",
    b"\xff\xd8\xff": "a JPEG picture",
    b"GIF8": "a GIF picture",
    b"<?xml": "an XML file (a CTF file goes through the CTF import)",
}
# A zip that expands far beyond its size is a bomb, not a school's spreadsheet.
MAX_EXPANSION = 40
# More than any MIS export holds; a file claiming more is refused before it fills the memory.
MAX_COLUMNS = 200
MAX_ROWS = 300_000


class FileRefused(Exception):
    """The whole file cannot be read; the message is for the person who uploaded it."""


@dataclass
class Table:
    headings: list[str]
    rows: list[list[str]]
    source: str  # "CSV (UTF-8)", "XLSX"...
    warnings: list[str] = field(default_factory=list)


def read_table(data: bytes, max_bytes: int) -> Table:
    if len(data) > max_bytes:
        raise FileRefused(
            f"The file is {len(data) / 1_000_000:.1f} MB; the largest accepted is "
            f"{max_bytes / 1_000_000:.0f} MB. Export fewer columns, or split it by year group."
        )
    if not data.strip():
        raise FileRefused("The file is empty.")
    if data.startswith(XLSX_MAGIC):
        return _read_xlsx(data, max_bytes)
    if data.startswith(OLD_EXCEL_MAGIC):
        raise FileRefused(
            "This is an old Excel file (.xls). Open it in Excel and save it as .xlsx or CSV."
        )
    for magic, what in NOT_SPREADSHEETS.items():
        if data.lstrip().startswith(magic):
            raise FileRefused(f"This is {what}, not a spreadsheet: upload a CSV or XLSX file.")
    return _read_csv(data)


def _decode(data: bytes) -> tuple[str, str, list[str]]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "UTF-8", []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "UTF-16", []
    if b"\x00" in data:
        raise FileRefused("The file holds binary data, not text: upload a CSV or XLSX file.")
    try:
        return data.decode("utf-8"), "UTF-8", []
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        return (
            text,
            "Windows-1252",
            [
                "The file is not UTF-8, so it was read as Windows-1252 (Excel's usual CSV): "
                "check that names with accents look right below."
            ],
        )


def _read_csv(data: bytes) -> Table:
    try:
        text, encoding, warnings = _decode(data)
    except UnicodeDecodeError:
        raise FileRefused("The file is not readable text: save it as CSV (UTF-8).") from None
    sample = text[:20000]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    lines = []
    try:
        for row in reader:
            lines.append(_trimmed([cell.strip() for cell in row[: MAX_COLUMNS + 1]]))
            if len(lines) > MAX_ROWS + 1:
                raise FileRefused(f"The file has more than {MAX_ROWS:,} rows: split it.")
    except csv.Error as e:
        raise FileRefused(f"The CSV file is malformed near line {reader.line_num}: {e}.") from None
    return _table(lines, f"CSV ({encoding})", warnings)


def _read_xlsx(data: bytes, max_bytes: int) -> Table:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        expanded = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise FileRefused("The file looks like XLSX but is damaged or cut short.") from None
    if expanded > max_bytes * MAX_EXPANSION:
        raise FileRefused("The XLSX file expands to far more than a spreadsheet holds.")
    from openpyxl import load_workbook  # slow to import; only XLSX uploads need it

    try:
        # A formula is read as its text, never worked out: it then fails like any wrong value.
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as e:  # openpyxl raises many kinds for a damaged or non-Excel zip
        raise FileRefused(f"The XLSX file cannot be read ({type(e).__name__}).") from None
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # ignore the size the file declares: read what is there
        lines = []
        for row in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1):
            lines.append(_trimmed([_cell_text(v) for v in row]))
            if len(lines) > MAX_ROWS + 1:
                raise FileRefused(f"The file has more than {MAX_ROWS:,} rows: split it.")
    finally:
        book.close()
    warnings = []
    if len(book.sheetnames) > 1:
        warnings.append(f"Only the first sheet, {book.sheetnames[0]!r}, was read.")
    return _table(lines, "XLSX", warnings)


def _trimmed(cells: list[str]) -> list[str]:
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _table(lines: list[list[str]], source: str, warnings: list[str]) -> Table:
    lines = [line for line in lines if line]
    if not lines:
        raise FileRefused("The file has no rows.")
    if len(lines[0]) > MAX_COLUMNS:
        raise FileRefused(f"The file has more than {MAX_COLUMNS} columns: export fewer.")
    headings = [h or f"Column {column_letter(i)}" for i, h in enumerate(lines[0])]
    seen: dict[str, int] = {}
    for i, heading in enumerate(headings):
        key = normalise(heading)
        if key in seen:
            raise FileRefused(
                f"The heading {heading!r} appears twice (columns {column_letter(seen[key])} "
                f"and {column_letter(i)}): rename one."
            )
        seen[key] = i
    if len(lines) == 1:
        raise FileRefused("The file has headings but no rows under them.")
    return Table(headings=headings, rows=lines[1:], source=source, warnings=warnings)


def normalise(heading: str) -> str:
    return "".join(c for c in heading.lower() if c.isalnum())


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
