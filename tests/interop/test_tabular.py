"""Reading uploaded spreadsheets: every way a real or hostile file can be wrong."""

import io
import zipfile

import pytest
from openpyxl import Workbook

from senco.interop.tabular import FileRefused, read_table

MB = 1_000_000


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "source"),
    [
        (b"UPN,Surname\r\nA1,Smith\r\n", "CSV (UTF-8)"),
        (b"\xef\xbb\xbfUPN,Surname\nA1,Smith\n", "CSV (UTF-8)"),
        ("UPN,Surname\nA1,Smith\n".encode("utf-16"), "CSV (UTF-16)"),
        (b"UPN;Surname\nA1;Smith\n", "CSV (UTF-8)"),
        (b"UPN\tSurname\nA1\tSmith\n", "CSV (UTF-8)"),
    ],
)
def test_csv_in_the_encodings_and_separators_mis_exports_use_is_read(data, source):
    table = read_table(data, MB)
    assert table.headings == ["UPN", "Surname"] and table.rows == [["A1", "Smith"]]
    assert table.source == source


def test_windows_1252_is_read_with_a_warning_to_check_accents():
    table = read_table("Surname\nBrontë\n".encode("cp1252"), MB)
    assert table.rows == [["Brontë"]] and "Windows-1252" in table.warnings[0]


def test_xlsx_dates_and_numbers_come_out_as_text_and_formulas_never_run():
    import datetime as dt

    table = read_table(xlsx([["DOB", "Year", "Note"], [dt.date(2016, 4, 3), 5, "=1+1"]]), MB)
    assert table.rows == [["2016-04-03", "5", "=1+1"]]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n  ", "empty"),
        (b"UPN,Surname\n", "no rows under them"),
        (b"UPN,upn\nA,B\n", "appears twice"),
        (b"\xd0\xcf\x11\xe0rest", "old Excel file"),
        (b"%PDF-1.4 ...", "a PDF"),
        (b"\x89PNG\r\n", "a PNG picture"),
        (b"<?xml version='1.0'?><CTfile/>", "CTF"),
        (b"UPN\x00,Sur\x00name\n", "binary"),
        (b"PK\x03\x04 not really a zip", "damaged"),
    ],
)
def test_a_file_that_is_not_a_usable_spreadsheet_is_refused_saying_why(data, message):
    with pytest.raises(FileRefused, match=message):
        read_table(data, MB)


def test_a_file_over_the_limit_is_refused_with_its_size():
    with pytest.raises(FileRefused, match=r"is 2\.0 MB; the largest accepted is 1 MB"):
        read_table(b"x" * 2 * MB, MB)


def test_a_zip_bomb_dressed_as_xlsx_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * MB))
    with pytest.raises(FileRefused, match="expands"):
        read_table(out.getvalue(), MB)


def test_a_truncated_xlsx_is_refused():
    data = xlsx([["UPN"], ["A1"]])
    with pytest.raises(FileRefused):
        read_table(data[: len(data) // 2], MB)


def test_an_xlsx_whose_sheet_declares_entities_is_refused():
    data = xlsx([["UPN"], ["A1"]])
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as bomb:
        for item in source.infolist():
            body = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(
                    b"<worksheet",
                    b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><worksheet',
                    1,
                )
            bomb.writestr(item, body)
    with pytest.raises(FileRefused, match="cannot be read"):
        read_table(out.getvalue(), MB)
