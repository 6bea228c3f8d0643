"""An empty spreadsheet for curators to fill in: the right headers in Indonesian, a notes row saying
what each column wants, and drop-down lists from the project's own region.yaml and crafts.yaml. It
imports as it is (the header sits on row 3 under a title and the notes, as the reader expects)."""

from __future__ import annotations

from pathlib import Path

from pipeline.catalog import reader as C
from pipeline.common import atomic

ROWS = 1000  # rows the drop-downs cover
LISTS = "Daftar"
AVAILABILITY = ("tersedia", "sesuai pesanan")
YES_NO = ("ya", "tidak")

# (sheet, title, [(header, note, list column in the Daftar sheet or None)])
SHEETS = (
    ("Pengrajin", "Daftar pengrajin", [
        ("nama", "wajib: nama pengrajin atau kelompok", None),
        ("kecamatan", "wajib: pilih dari daftar", "A"),
        ("desa", "desa atau kelurahan", None),
        ("kerajinan", "pilih dari daftar; lebih dari satu: pisahkan dengan koma", "B"),
        ("cerita", "cerita singkat tentang pengrajin", None),
        ("whatsapp", "nomor untuk pesanan, mis. 0812-3456-7890", None),
        ("izin foto", "ya bila pengrajin setuju tampil di unggahan", "D"),
    ]),
    ("Produk", "Daftar produk", [
        ("nama", "wajib: nama produk seperti di sampul", None),
        ("pengrajin", "wajib: nama dari lembar Pengrajin", None),
        ("kerajinan", "wajib: pilih dari daftar", "B"),
        ("harga", "mis. 150000, Rp 150.000 atau 150rb", None),
        ("foto", "wajib: nama file foto, pisahkan dengan koma; foto pertama jadi sampul", None),
        ("bahan", "pisahkan dengan koma, mis. purun, pewarna alami", None),
        ("ukuran", "mis. 35 x 28 x 12 cm (ketik sebagai teks)", None),
        ("warna", "pisahkan dengan koma", None),
        ("cerita", "2-4 kalimat dalam Bahasa Indonesia", None),
        ("cerita en", "opsional: cerita dalam Bahasa Inggris", None),
        ("tag", "pisahkan dengan koma; dipakai untuk tema hari", None),
        ("sertifikasi", "mis. OVOP Bintang 3", None),
        ("ketersediaan", "pilih: tersedia atau sesuai pesanan", "C"),
        ("go global", "ya bila setiap posting produk ini juga mendapat caption bahasa Inggris (untuk pembeli luar "
                      "negeri); kosong berarti tidak", "D"),
    ]),
)


def write_template(content: Path, out: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    crafts = [c.name for c in C.craft_table(content).values()]
    lists = {"A": list(C.kecamatan_names(content)), "B": crafts, "C": list(AVAILABILITY), "D": list(YES_NO)}
    wb = Workbook()
    wb.remove(wb.active)
    for name, title, columns in SHEETS:
        ws = wb.create_sheet(name)
        ws.cell(1, 1, title).font = Font(bold=True, size=14)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
        for i, (header, note, source) in enumerate(columns, 1):
            letter = get_column_letter(i)
            ws.cell(2, i, note).alignment = Alignment(wrap_text=True, vertical="top")
            ws.cell(2, i).font = Font(italic=True, color="666666")
            cell = ws.cell(3, i, header)
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="F2E6D0")
            ws.column_dimensions[letter].width = 18 if header not in ("cerita", "foto") else 40
            ws.cell(3, i).number_format = "@"
            for row in range(4, 4 + ROWS):  # typed as text: Excel keeps "0812..." and "10-12" as written
                if header in ("whatsapp", "ukuran"):
                    ws.cell(row, i).number_format = "@"
            if source:
                n = len(lists[source])
                # the artisan sheet's kerajinan may list several crafts: its drop-down suggests, never refuses
                dv = DataValidation(type="list", formula1=f"'{LISTS}'!${source}$1:${source}${n}",
                                    allow_blank=True, showErrorMessage=header != "kerajinan" or name == "Produk",
                                    errorTitle="Pilihan tidak dikenal", error="Pilih salah satu dari daftar.")
                ws.add_data_validation(dv)
                dv.add(f"{letter}4:{letter}{3 + ROWS}")
        ws.freeze_panes = "A4"
    lw = wb.create_sheet(LISTS)
    for letter, items in lists.items():
        for row, item in enumerate(items, 1):
            lw[f"{letter}{row}"] = item
    lw.sheet_state = "hidden"
    with atomic.output(out) as tmp:
        wb.save(tmp)
