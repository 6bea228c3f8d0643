"""A spreadsheet file -> sheets of rows of plain cell values, whatever program wrote it.

.xlsx through openpyxl in read-only mode with `data_only=True` (a formula gives the result Excel
cached when it saved). A formula cell whose file holds no cached result (written by a program that
does not compute, or never opened in Excel) is kept aside so the import can name it instead of
reading it as blank. .csv through the csv module: UTF-8 (with or without BOM), else Windows-1252
(what Excel on an Indonesian Windows saves as "CSV"), and the delimiter sniffed (`;` is Indonesian
Excel's default, `,` elsewhere).
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from dataclasses import dataclass, field
from itertools import zip_longest
from pathlib import Path
from typing import Any

from pipeline.common.errors import ContentError

SUFFIXES = (".xlsx", ".xlsm", ".csv")


@dataclass(frozen=True)
class Row:
    number: int  # as the spreadsheet program shows it, from 1
    values: tuple[Any, ...]
    formulas: dict[int, str] = field(default_factory=dict)  # column index -> formula without a cached result


@dataclass(frozen=True)
class Sheet:
    name: str  # "" for a CSV file, which has no sheets
    rows: list[Row]


@dataclass(frozen=True)
class Workbook:
    shown: str  # the file's name as messages show it
    sheets: list[Sheet]

    def where(self, sheet: Sheet, column: int | None, row: int) -> str:
        """"produk.xlsx:Produk!C12" (or "produk.csv:C12"): the cell a message points at; column None is
        the whole row (its first cell)."""
        cell = f"{column_letter(column or 0)}{row}"
        return f"{self.shown}:{sheet.name}!{cell}" if sheet.name else f"{self.shown}:{cell}"


def column_letter(index: int) -> str:
    """0 -> "A", 27 -> "AB"."""
    from openpyxl.utils import get_column_letter  # here: importing openpyxl costs every command ~0.3 s

    return get_column_letter(index + 1)


def read_workbook(path: Path) -> Workbook:
    path = Path(path)
    shown = path.name
    if not path.is_file():
        raise ContentError.single(shown, None, "", "file not found", "check the path to the spreadsheet")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return Workbook(shown, [Sheet("", _csv_rows(path.read_bytes()))])
    if suffix in (".xlsx", ".xlsm"):
        return Workbook(shown, _xlsx_sheets(path, shown))
    hint = "save it as Excel Workbook (.xlsx) or CSV" + (" (an .xls from old Excel: File > Save As > .xlsx)"
                                                        if suffix == ".xls" else "")
    raise ContentError.single(shown, None, "", f"cannot read {suffix or 'a file without extension'} files", hint)


def _xlsx_sheets(path: Path, shown: str) -> list[Sheet]:
    import openpyxl  # imported here: only `etalase import` needs it

    try:
        values = openpyxl.load_workbook(path, read_only=True, data_only=True)
        formulas = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ContentError.single(shown, None, "", f"not a readable Excel file ({exc})",
                                  "open it in Excel or LibreOffice and save it again as .xlsx") from None
    try:
        sheets = []
        for ws, wf in zip(values.worksheets, formulas.worksheets, strict=True):
            ws.reset_dimensions()  # some writers record a wrong used range; read what is there
            wf.reset_dimensions()
            rows = []
            pairs = zip_longest(ws.iter_rows(values_only=True), wf.iter_rows(values_only=True), fillvalue=())
            for number, (vals, forms) in enumerate(pairs, 1):
                missing = {i: f for i, (v, f) in enumerate(zip(vals, forms, strict=False))
                           if v is None and isinstance(f, str) and f.startswith("=")}
                if any(v is not None and v != "" for v in vals) or missing:
                    rows.append(Row(number, tuple(vals), missing))
            sheets.append(Sheet(ws.title, rows))
        return sheets
    finally:
        values.close()
        formulas.close()


def decode(raw: bytes) -> str:
    """UTF-8 (a BOM is dropped) when the bytes are UTF-8, else Windows-1252."""
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _csv_rows(raw: bytes) -> list[Row]:
    text = decode(raw)
    sample = "\n".join(text.splitlines()[:20])
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=";,\t|").delimiter
    except csv.Error:
        first = next((line for line in text.splitlines() if line.strip()), "")
        delimiter = max(";,\t", key=first.count)
    rows = []
    for number, values in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), 1):
        if any(v.strip() for v in values):
            rows.append(Row(number, tuple(values)))
    return rows
