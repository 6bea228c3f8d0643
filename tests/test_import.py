"""`etalase import`: real spreadsheets (made here with openpyxl, XlsxWriter and the csv module) into content/."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import openpyxl
import pytest
from PIL import Image

from pipeline.catalog.importer import plan as P
from pipeline.catalog.importer import record
from pipeline.catalog.importer.apply import apply
from pipeline.catalog.importer.slugs import slugify, unique
from pipeline.catalog.reader import load_catalog
from pipeline.cli import main
from tests.conftest import make_photo

PRODUCT_HEADER = ["Nama", "Pengrajin", "Kerajinan", "Harga", "Foto"]


def xlsx(path: Path, sheets: dict[str, list[list]], merge: dict[str, str] | None = None) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        if merge and name in merge:
            ws.merge_cells(merge[name])
    wb.save(path)
    return path


def photos(folder: Path, *names: str) -> Path:
    for name in names:
        make_photo(folder / name, size=(1080, 1440))
    return folder


def run_plan(scratch, source: Path, **kw) -> P.Plan:
    return P.plan_import(scratch.content, scratch.root / "state", source, **kw)


def shown(plan: P.Plan) -> list[str]:
    return [str(p).split("\n")[0] for p in plan.problems]


def errors_at(plan: P.Plan) -> dict[str, str]:
    return {f"{p.path}: {p.field}": p.message for p in plan.errors}


def tree(root: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def office(scratch, tmp_path):
    """The scratch catalogue plus a folder of photos as a curator's laptop has them."""
    photos(tmp_path / "foto", "IMG_001.jpg", "IMG_002.JPG", "Tas Bunga 1.jpg")
    return scratch


# Reading what offices type ------------------------------------------------------------------------

def test_slugs_are_ascii_stable_and_unique():
    assert slugify('Tas Purun "Bunga"') == "tas-purun-bunga"
    assert slugify("Sarung Tenun Ulos Ṡergai — Merah") == "sarung-tenun-ulos-sergai-merah"
    assert unique("tas-purun", {"tas-purun"}) == "tas-purun-2"
    assert unique("tas-purun", {"tas-purun", "tas-purun-2"}) == "tas-purun-3"


def test_header_names_in_either_language_any_case_and_punctuation(scratch, tmp_path):
    source = xlsx(tmp_path / "p.xlsx", {"Products": [
        [" NAME ", "artisan", "Jenis Kerajinan", "Harga (Rp)", "photos", "No. HP", "Bahan", "warna"],
        ["Tas Baru", "ani", "anyaman-purun", 150000, "p1.jpg", None, "purun; rotan", "coklat, krem"]]})
    plan = run_plan(scratch, source)
    assert plan.errors == []
    (entry,) = plan.products
    assert entry.slug == "tas-baru" and entry.status == P.NEW
    assert entry.values["price"] == 150000
    assert entry.values["materials"] == ("purun", "rotan") and entry.values["colours"] == ("coklat", "krem")


def test_header_on_row_3_under_merged_titles_blank_rows_numbers_as_text(scratch, tmp_path):
    source = xlsx(tmp_path / "p.xlsx", {"Produk": [
        ["DAFTAR PRODUK UNGGULAN DEKRANASDA SERGAI 2026"],
        ["Dinas Koperasi dan UKM"],
        PRODUCT_HEADER + ["Ukuran"],
        [],
        ["Tas Satu", "ani", "Anyaman Purun", "150000", "p1.jpg", 35],
        [None, None, None, None, None],
        ["Tas Dua", "Kelompok Ani", "anyaman purun", "Rp 1.250.000,-", "p1.jpg", "35 x 28 cm"],
    ]}, merge={"Produk": "A1:F1"})
    plan = run_plan(scratch, source)
    assert plan.errors == []
    one, two = plan.products
    assert (one.slug, one.where, one.values["price"], one.values["size"]) == ("tas-satu", "p.xlsx:Produk!A5", 150000,
                                                                              "35")
    assert (two.where, two.values["price"], two.values["artisan"], two.values["craft"]) == (
        "p.xlsx:Produk!A7", 1_250_000, "ani", "anyaman-purun")


def test_phone_numbers_stored_as_numbers_get_their_zero_back(scratch, tmp_path):
    source = xlsx(tmp_path / "p.xlsx", {"Pengrajin": [
        ["Nama", "Kecamatan", "Desa", "WA", "Izin foto"],
        ["Ibu Sari", "sei rampah", "Firdaus", 81234567890, "ya"],
        ["Pak Udin", "Perbaungan", None, 6281298765432, "Tidak"]]})
    plan = run_plan(scratch, source)
    assert plan.errors == []
    sari, udin = plan.artisans
    assert sari.values["whatsapp"] == "+6281234567890"
    assert sari.values["kecamatan"] == "Sei Rampah" and sari.values["photo_consent"] is True
    assert udin.values["whatsapp"] == "+6281298765432" and udin.values["photo_consent"] is False


def test_every_problem_is_reported_at_its_cell_at_once(scratch, tmp_path):
    source = xlsx(tmp_path / "produk.xlsx", {"Produk": [
        ["Katalog"],
        [],
        PRODUCT_HEADER + ["Ketersediaan", "Ukuran"],
        ["Tas A", "ani", "anyaman-purun", "mahal", "p1.jpg", "tersedia", None],
        ["Tas B", "siapa", "anyaman-purun", 100000, "p1.jpg", None, None],
        ["Tas C", "ani", "gerabah", 100000, "tidakada.jpg", "kadang", None],
        [None, "ani", "anyaman-purun", 100000, "p1.jpg", None, dt.datetime(2026, 10, 12)],
    ]})
    plan = run_plan(scratch, source)
    assert errors_at(plan) == {
        "produk.xlsx:Produk!D4: price": "`mahal` is not a price: write 150000, \"Rp 150.000\" or \"150rb\"",
        "produk.xlsx:Produk!B5: artisan": "unknown artisan `siapa`",
        "produk.xlsx:Produk!C6: craft": "unknown craft `gerabah`",
        "produk.xlsx:Produk!E6: photos": "photo `tidakada.jpg` not found in content/media/",
        "produk.xlsx:Produk!F6: availability": "`kadang` is not one of: in_stock, made_to_order",
        "produk.xlsx:Produk!G7: size": "Excel turned this cell into a date (12-10-2026)",
        "produk.xlsx:Produk!A7: name": "`name` is required",
    }
    assert "produk.xlsx:Produk!D4: price: `mahal` is not a price" in shown(plan)[0]
    assert [e.status for e in plan.products] == [P.ERROR] * 3  # the row without a name has no entry at all


def test_a_date_excel_made_is_reported_at_its_cell(scratch, tmp_path):
    source = xlsx(tmp_path / "p.xlsx", {"Produk": [
        PRODUCT_HEADER + ["Ukuran", "Tanggal"],
        ["Tas A", "ani", "anyaman-purun", 100000, "p1.jpg", dt.date(2026, 12, 10), dt.date(2026, 11, 1)]]})
    plan = run_plan(scratch, source)
    (problem,) = plan.errors
    assert (problem.path, problem.field) == ("p.xlsx:Produk!F2", "size")
    assert problem.message == "Excel turned this cell into a date (10-12-2026)"
    assert "apostrophe" in problem.hint
    assert "p.xlsx:Produk!G1: date: products have no date field; column ignored" in shown(plan)


def test_a_second_unrelated_sheet_is_ignored_with_a_note(scratch, tmp_path):
    source = xlsx(tmp_path / "p.xlsx", {"Produk": [PRODUCT_HEADER, ["Tas A", "ani", "anyaman-purun", 1, "p1.jpg"]],
                                        "Rekap Anggaran": [["Bulan", "Jumlah"], ["Januari", 5000000]]})
    plan = run_plan(scratch, source)
    assert plan.errors == [] and len(plan.products) == 1
    assert "p.xlsx:Rekap Anggaran: no header row with known column names; sheet ignored" in shown(plan)


def test_a_formula_without_a_saved_result_is_named_at_its_cell(scratch, tmp_path):
    source = xlsx(tmp_path / "p.xlsx", {"Produk": [
        PRODUCT_HEADER + ["Modal"], ["Tas A", "ani", "anyaman-purun", "=G2*2", "p1.jpg", None, 60000]]})
    plan = run_plan(scratch, source)
    (problem,) = plan.errors
    assert (problem.path, problem.field) == ("p.xlsx:Produk!D2", "price")
    assert problem.message == "formula `=G2*2` has no saved result in the file"
    assert "save it again" in problem.hint
    assert not (scratch.content / "products" / "tas-a.yaml").exists()


def test_a_formula_with_the_result_excel_saved_reads_that_result(scratch, tmp_path):
    import xlsxwriter

    path = tmp_path / "excel.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("Produk")
    ws.write_row(0, 0, PRODUCT_HEADER + ["Modal"])
    ws.write_row(1, 0, ["Tas A", "ani", "anyaman-purun"])
    ws.write_formula(1, 3, "=G2*2", None, 120000)  # what Excel stores: the formula and its last result
    ws.write_row(1, 4, ["p1.jpg", None, 60000])
    wb.close()
    plan = run_plan(scratch, path)
    assert plan.errors == []
    assert plan.products[0].values["price"] == 120000


def test_csv_in_windows_1252_with_commas(scratch, tmp_path):
    path = tmp_path / "produk.csv"
    path.write_bytes("nama,pengrajin,kerajinan,harga,foto,cerita\n"
                     "Tas Café,ani,anyaman-purun,\"Rp 95.000\",p1.jpg,Dibuat dengan cinta – oleh ibu-ibu\n"
                     .encode("cp1252"))
    plan = run_plan(scratch, path)
    assert plan.errors == []
    (entry,) = plan.products
    assert (entry.slug, entry.values["name"], entry.values["price"]) == ("tas-cafe", "Tas Café", 95000)
    assert entry.values["story"] == "Dibuat dengan cinta – oleh ibu-ibu"


def test_csv_in_utf8_with_bom_and_semicolons(scratch, tmp_path):
    path = tmp_path / "produk.csv"
    path.write_bytes(("nama;pengrajin;kerajinan;harga;foto;bahan\n"
                      "Tas Ṡelendang;ani;anyaman-purun;150.000;p1.jpg;purun, rotan\n"
                      "Tas Rusak;ani;anyaman-purun;murah;p1.jpg;\n").encode("utf-8-sig"))
    plan = run_plan(scratch, path)
    assert errors_at(plan) == {"produk.csv:D3: price": "`murah` is not a price: write 150000, \"Rp 150.000\" or "
                                                       "\"150rb\""}
    entry = plan.products[0]
    assert entry.values["name"] == "Tas Ṡelendang" and entry.values["materials"] == ("purun", "rotan")


def test_a_mapping_file_names_unusual_headers(scratch, tmp_path):
    (tmp_path / "map.yaml").write_text('columns:\n  "Judul Barang": name\n  "Harga Jual Per Unit": price\n'
                                       '  "Nama File Gambar": photos\n', encoding="utf-8")
    source = xlsx(tmp_path / "p.xlsx", {"Data": [
        ["Judul Barang", "Pengrajin", "Kerajinan", "Harga Jual Per Unit", "Nama File Gambar", "Catatan Bagian"],
        ["Tas A", "ani", "anyaman-purun", 99000, "p1.jpg", "x"]]})
    plan = run_plan(scratch, source, mapping=tmp_path / "map.yaml")
    assert plan.errors == [] and plan.products[0].values["price"] == 99000
    assert "p.xlsx:Data!F1: column `Catatan Bagian` is not imported" in shown(plan)


# Writing ----------------------------------------------------------------------------------------

def sheet_with_photos(tmp_path: Path, price=175000, story="Tas dari purun pilihan.") -> Path:
    return xlsx(tmp_path / "produk.xlsx", {
        "Pengrajin": [["Nama", "Kecamatan", "Desa", "WhatsApp", "Kerajinan", "Izin Foto"],
                      ["Ibu Sari", "Sei Rampah", "Firdaus", 81234567890, "Anyaman Purun", "ya"]],
        "Produk": [PRODUCT_HEADER + ["Cerita", "Bahan"],
                   ['Tas Purun "Bunga"', "Ibu Sari", "Anyaman Purun", price, "img_001.jpg, tas bunga 1.JPG",
                    story, "purun, pewarna alami"],
                   ["Dompet", "ani", "anyaman-purun", "95rb", "IMG_002.jpg", None, None]]})


def test_dry_run_writes_nothing(office, tmp_path):
    before = tree(office.root)
    plan = run_plan(office, sheet_with_photos(tmp_path), photos=tmp_path / "foto")
    assert plan.errors == []
    assert [(e.slug, e.status) for e in plan.artisans + plan.products] == [
        ("ibu-sari", P.NEW), ("tas-purun-bunga", P.NEW), ("dompet", P.NEW)]
    assert tree(office.root) == before


def test_apply_writes_a_catalogue_check_accepts_and_a_second_apply_changes_nothing(office, tmp_path):
    source = sheet_with_photos(tmp_path)
    plan = run_plan(office, source, photos=tmp_path / "foto")
    applied = apply(plan, office.root / "state")
    assert applied.problems == [] and len(applied.written) == 3
    cat = load_catalog(office.content)
    assert cat.errors == []
    bunga = cat.products["tas-purun-bunga"]
    assert (bunga.artisan, bunga.price, bunga.materials) == ("ibu-sari", 175000, ("purun", "pewarna alami"))
    assert len(bunga.photos) == 2 and all(p.file.startswith("tas-purun-bunga-") for p in bunga.photos)
    with Image.open(bunga.hero.path) as im:  # taken in by the dashboard's intake: re-encoded, no EXIF
        assert im.format == "JPEG" and not im.getexif()
    assert cat.artisans["ibu-sari"].whatsapp == "+6281234567890"
    text = (office.content / "products" / "tas-purun-bunga.yaml").read_text(encoding="utf-8")
    assert text.startswith("# etalase import ") and record.state_of(text) == "imported"

    before = tree(office.root)
    again = run_plan(office, source, photos=tmp_path / "foto")
    assert [e.status for e in again.artisans + again.products] == [P.UNCHANGED] * 3
    assert apply(again, office.root / "state").written == []
    assert tree(office.root) == before


def test_a_lost_photo_cache_still_changes_nothing(office, tmp_path):
    source = sheet_with_photos(tmp_path)
    apply(run_plan(office, source, photos=tmp_path / "foto"), office.root / "state")
    (office.root / "state" / "import-photos.json").unlink()
    before = tree(office.content)
    plan = run_plan(office, source, photos=tmp_path / "foto")
    assert apply(plan, office.root / "state").written == []
    assert tree(office.content) == before


def test_only_changed_fields_are_written_and_parsed_values_compare(office, tmp_path):
    apply(run_plan(office, sheet_with_photos(tmp_path), photos=tmp_path / "foto"), office.root / "state")
    plan = run_plan(office, sheet_with_photos(tmp_path, price="Rp 175.000", story="Tas dari purun  pilihan."),
                    photos=tmp_path / "foto")
    assert [e.status for e in plan.products] == [P.UNCHANGED, P.UNCHANGED]
    plan = run_plan(office, sheet_with_photos(tmp_path, price="180rb"), photos=tmp_path / "foto")
    assert [(e.slug, e.status, e.changed) for e in plan.products] == [
        ("tas-purun-bunga", P.CHANGED, ("price",)), ("dompet", P.UNCHANGED, ())]
    apply(plan, office.root / "state")
    assert load_catalog(office.content).products["tas-purun-bunga"].price == 180000


def test_a_row_with_an_error_leaves_no_file(office, tmp_path):
    source = xlsx(tmp_path / "p.xlsx", {"Produk": [
        PRODUCT_HEADER, ["Tas Rusak", "ani", "anyaman-purun", "gratis", "IMG_001.jpg"],
        ["Tas Baik", "ani", "anyaman-purun", 50000, "IMG_002.jpg"]]})
    media_before = sorted(p.name for p in (office.content / "media").iterdir())
    plan = run_plan(office, source, photos=tmp_path / "foto")
    applied = apply(plan, office.root / "state")
    assert [e.slug for e in applied.written] == ["tas-baik"]
    assert not (office.content / "products" / "tas-rusak.yaml").exists()
    media_after = sorted(p.name for p in (office.content / "media").iterdir())
    assert [n for n in media_after if n not in media_before] == [load_catalog(office.content)
                                                                 .products["tas-baik"].hero.file]


def test_a_product_edited_by_hand_is_kept_unless_forced(office, tmp_path):
    source = sheet_with_photos(tmp_path)
    apply(run_plan(office, source, photos=tmp_path / "foto"), office.root / "state")
    path = office.content / "products" / "dompet.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("95000", "99000"), encoding="utf-8")
    before = path.read_bytes()

    plan = run_plan(office, source, photos=tmp_path / "foto")
    dompet = plan.products[1]
    assert (dompet.status, dompet.record, dompet.changed) == (P.EDITED, "edited", ("price",))
    apply(plan, office.root / "state")
    assert path.read_bytes() == before

    forced = run_plan(office, source, photos=tmp_path / "foto", force=True)
    assert forced.products[1].status == P.CHANGED
    apply(forced, office.root / "state")
    assert load_catalog(office.content).products["dompet"].price == 95000
    assert record.state_of(path.read_text(encoding="utf-8")) == "imported"


def test_a_product_never_imported_is_protected_too(scratch, tmp_path):
    source = xlsx(tmp_path / "p.xlsx", {"Produk": [
        PRODUCT_HEADER + ["slug"], ["Tas Purun", "ani", "anyaman-purun", 90000, "p1.jpg", "tas-purun"]]})
    plan = run_plan(scratch, source)
    (entry,) = plan.products
    assert (entry.status, entry.record, entry.changed) == (P.EDITED, "manual", ("name", "price"))


def test_duplicate_names_get_numbered_slugs(scratch, tmp_path):
    source = xlsx(tmp_path / "p.xlsx", {"Produk": [PRODUCT_HEADER, ["Tas Baru", "ani", "tenun", 1000, "p1.jpg"],
                                                   ["Tas Baru", "ani", "tenun", 2000, "p1.jpg"]]})
    plan = run_plan(scratch, source)
    assert [e.slug for e in plan.products] == ["tas-baru", "tas-baru-2"]
    assert "p.xlsx:Produk!A3: name: an earlier row has the same name; this one becomes `tas-baru-2`" in shown(plan)


# The CLI and the template -------------------------------------------------------------------------

def test_cli_dry_run_reports_cells_and_exit_code(scratch, tmp_path, capsys):
    source = xlsx(tmp_path / "produk.xlsx", {"Produk": [PRODUCT_HEADER, ["Tas A", "ani", "anyaman-purun", "x",
                                                                         "p1.jpg"]]})
    assert main(["--root", str(scratch.root), "import", str(source)]) == 1
    out = capsys.readouterr()
    assert "error: produk.xlsx:Produk!D2: price: `x` is not a price" in out.err
    assert "products: 1 with errors" in out.out and "dry run: nothing written" in out.out


def test_cli_apply_then_nothing_to_do(office, tmp_path, capsys):
    source = sheet_with_photos(tmp_path)
    argv = ["--root", str(office.root), "import", str(source), "--photos", str(tmp_path / "foto"), "--apply"]
    assert main(argv) == 0
    assert "new product tas-purun-bunga" in capsys.readouterr().out
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "products: 2 unchanged" in out and "written: 0 files" in out
    changed = sheet_with_photos(tmp_path, price="180rb")
    assert main(["--root", str(office.root), "import", str(changed), "--photos", str(tmp_path / "foto")]) == 0
    assert "  changed product tas-purun-bunga: price Rp 175.000 -> Rp 180.000\n" in capsys.readouterr().out


def test_template_has_indonesian_headers_notes_and_dropdowns_and_imports_as_is(scratch, tmp_path):
    out = tmp_path / "isi-ini.xlsx"
    assert main(["--root", str(scratch.root), "import", "--template", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    ws = wb["Produk"]
    assert [c.value for c in ws[3]][:5] == ["nama", "pengrajin", "kerajinan", "harga", "foto"]
    assert ws["A2"].value.startswith("wajib")
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists["C4:C1003"] == "'Daftar'!$B$1:$B$2"
    assert [wb["Daftar"][f"B{i}"].value for i in (1, 2)] == ["Anyaman Purun", "Tenun Sergai"]
    kec = {str(dv.sqref): dv.formula1 for dv in wb["Pengrajin"].data_validations.dataValidation}["B4:B1003"]
    assert kec == "'Daftar'!$A$1:$A$17" and wb["Daftar"]["A1"].value == "Bandar Khalipah"

    ws["A4"], ws["B4"], ws["C4"], ws["D4"], ws["E4"], ws["M4"] = ("Tas Isian", "ani", "Tenun Sergai", "150rb",
                                                                  "p1.jpg", "sesuai pesanan")
    wb.save(out)
    plan = run_plan(scratch, out)
    assert plan.problems == []  # the hidden lists sheet is the template's own: no note about it
    (entry,) = plan.products
    assert (entry.where, entry.values["craft"], entry.values["availability"]) == ("isi-ini.xlsx:Produk!A4", "tenun",
                                                                                  "made_to_order")


def test_photos_folder_must_exist(scratch, tmp_path):
    from pipeline.common.errors import ContentError

    with pytest.raises(ContentError, match="photos folder not found"):
        run_plan(scratch, xlsx(tmp_path / "p.xlsx", {"Produk": [PRODUCT_HEADER]}), photos=tmp_path / "nope")
    assert os.path.exists(tmp_path / "p.xlsx")


def test_a_dashboard_edit_after_the_import_counts_as_an_edit_by_hand(office, tmp_path):
    from pipeline.catalog import edit

    source = sheet_with_photos(tmp_path)
    apply(run_plan(office, source, photos=tmp_path / "foto"), office.root / "state")
    edit.save_product(office.content, "dompet", {"size": "20 x 10 cm"})
    text = (office.content / "products" / "dompet.yaml").read_text(encoding="utf-8")
    assert text.startswith("# etalase import ") and record.state_of(text) == "edited"
    plan = run_plan(office, sheet_with_photos(tmp_path, price=1), photos=tmp_path / "foto")
    assert plan.products[1].status == P.UNCHANGED  # the sheet has no size column: the edit is no conflict
    plan = run_plan(office, xlsx(tmp_path / "u.xlsx", {"Produk": [PRODUCT_HEADER + ["Ukuran"], [
        "Dompet", "ani", "anyaman-purun", "95rb", "IMG_002.jpg", "21 x 10 cm"]]}), photos=tmp_path / "foto")
    assert (plan.products[0].status, plan.products[0].changed) == (P.EDITED, ("size",))


def test_a_row_naming_a_product_made_by_hand_updates_that_file(scratch, tmp_path):
    source = xlsx(tmp_path / "p.xlsx", {"Produk": [PRODUCT_HEADER, ["Produk tas-purun", "ani", "anyaman-purun",
                                                                    "Rp 150.000", "p1.jpg"]]})
    (entry,) = run_plan(scratch, source).products
    assert (entry.slug, entry.status) == ("tas-purun", P.UNCHANGED)


def test_checks_warnings_come_with_the_dry_run(scratch, tmp_path):
    make_photo(tmp_path / "foto" / "kecil.jpg", size=(360, 480))
    source = xlsx(tmp_path / "p.xlsx", {"Produk": [PRODUCT_HEADER, ["Tas Kecil", "ani", "tenun", None, "kecil.jpg"]]})
    plan = run_plan(scratch, source, photos=tmp_path / "foto")
    assert plan.errors == []
    assert shown(plan) == ["p.xlsx:Produk!D2: price: no price given",
                           "p.xlsx:Produk!E2: photos: photo `kecil.jpg` is 360x480, under 1080 px on its short side"]


def test_an_old_xls_file_is_refused_with_what_to_do(scratch, tmp_path):
    from pipeline.common.errors import ContentError

    (tmp_path / "lama.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(ContentError) as caught:
        run_plan(scratch, tmp_path / "lama.xls")
    (problem,) = caught.value.problems
    assert problem.message == "cannot read .xls files" and "Save As > .xlsx" in problem.hint


def test_an_artisan_sheet_headed_pengrajin_names_the_artisans(scratch, tmp_path):
    source = xlsx(tmp_path / "p.xlsx", {"Data UMKM": [["Nama Pengrajin", "Kecamatan", "Desa"],
                                                      ["Bu Ros", "Sei Bamban", "Gempolan"]]})
    plan = run_plan(scratch, source)
    assert [(e.slug, e.values["name"], e.values["kecamatan"]) for e in plan.artisans] == [
        ("bu-ros", "Bu Ros", "Sei Bamban")]
    assert [p.message for p in plan.problems] == ["no photo consent recorded"]


def test_without_a_region_list_kecamatan_are_not_checked_as_check_and_the_form_do(scratch, tmp_path):
    (scratch.content / "region.yaml").unlink()
    source = xlsx(tmp_path / "p.xlsx", {"Data UMKM": [["Nama Pengrajin", "Kecamatan", "Desa"],
                                                      ["Bu Ros", "Sei Bamban", "Gempolan"]]})
    plan = run_plan(scratch, source)
    assert not plan.errors and plan.artisans[0].values["kecamatan"] == "Sei Bamban"


# Go Global from the sheet -----------------------------------------------------------------------

GO_GLOBAL_HEADERS = ("Go Global", "go global", "Global", "GO_GLOBAL")


@pytest.mark.parametrize("i, cell, value", [(i, *case) for i, case in enumerate([
    ("ya", True), ("Y", True), ("TRUE", True), (1, True), ("x", True), (True, True),
    ("tidak", False), ("t", False), ("false", False), (0, False), (None, False), (False, False)])])
def test_a_go_global_column_under_any_of_its_names_takes_what_offices_type(scratch, tmp_path, i, cell, value):
    header = GO_GLOBAL_HEADERS[i % len(GO_GLOBAL_HEADERS)]  # every name, with yes and no values alike
    source = xlsx(tmp_path / "p.xlsx", {"Produk": [PRODUCT_HEADER + [header],
                                                   ["Tas Global", "ani", "anyaman-purun", 150000, "p1.jpg", cell]]})
    plan = run_plan(scratch, source)
    assert plan.errors == [] and not [p for p in plan.problems if "is not imported" in p.message]
    assert apply(plan, scratch.root / "state").problems == []
    assert load_catalog(scratch.content).products["tas-global"].go_global is value
    text = (scratch.content / "products" / "tas-global.yaml").read_text(encoding="utf-8")
    assert ("go_global: true" in text) is value and ("go_global" in text) is value  # no `false` line written


def test_go_global_from_the_sheet_updates_an_imported_product_and_a_blank_cell_clears_it(scratch, tmp_path):
    def sheet(cell) -> Path:
        return xlsx(tmp_path / "p.xlsx", {"Produk": [PRODUCT_HEADER + ["Cerita", "Go Global"],
                                                     ["Tas Global", "ani", "anyaman-purun", 150000, "p1.jpg",
                                                      "Tas purun.", cell]]})

    apply(run_plan(scratch, sheet(None)), scratch.root / "state")
    assert load_catalog(scratch.content).products["tas-global"].go_global is False
    plan = run_plan(scratch, sheet("ya"))
    assert [(e.slug, e.status, e.changed) for e in plan.products] == [("tas-global", P.CHANGED, ("go_global",))]
    apply(plan, scratch.root / "state")
    assert load_catalog(scratch.content).products["tas-global"].go_global is True
    assert [e.status for e in run_plan(scratch, sheet("Ya")).products] == [P.UNCHANGED]
    plan = run_plan(scratch, sheet(None))
    assert [(e.status, e.changed) for e in plan.products] == [(P.CHANGED, ("go_global",))]
    apply(plan, scratch.root / "state")
    text = (scratch.content / "products" / "tas-global.yaml").read_text(encoding="utf-8")
    assert "go_global" not in text and load_catalog(scratch.content).products["tas-global"].go_global is False
    assert [e.status for e in run_plan(scratch, sheet("tidak")).products] == [P.UNCHANGED]


def test_a_go_global_cell_that_is_not_yes_or_no_is_named_and_the_other_rows_still_import(scratch, tmp_path):
    source = xlsx(tmp_path / "p.xlsx", {"Produk": [
        PRODUCT_HEADER + ["Go Global"],
        ["Tas Satu", "ani", "anyaman-purun", 150000, "p1.jpg", "mungkin"],
        ["Tas Dua", "ani", "anyaman-purun", 95000, "p1.jpg", "ya"]]})
    plan = run_plan(scratch, source)
    assert errors_at(plan) == {"p.xlsx:Produk!F2: go_global": "`mungkin` is not yes or no"}
    assert "p.xlsx:Produk!F2: go_global: `mungkin` is not yes or no" in shown(plan)[0]
    assert [(e.slug, e.status) for e in plan.products] == [("tas-satu", P.ERROR), ("tas-dua", P.NEW)]
    applied = apply(plan, scratch.root / "state")
    assert [e.slug for e in applied.written] == ["tas-dua"]
    cat = load_catalog(scratch.content)
    assert cat.products["tas-dua"].go_global is True and cat.products["tas-dua"].price == 95000
    assert "tas-satu" not in cat.products  # a row with an error is never half-written


def test_the_template_has_a_go_global_column_with_its_note_and_a_yes_no_list(scratch, tmp_path):
    out = tmp_path / "isi-ini.xlsx"
    assert main(["--root", str(scratch.root), "import", "--template", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    ws = wb["Produk"]
    headers = [c.value for c in ws[3]]
    col = headers.index("go global")
    letter = openpyxl.utils.get_column_letter(col + 1)
    assert headers[:13][-1] == "ketersediaan"  # added last: the columns curators know keep their letters
    assert "caption bahasa Inggris" in ws[f"{letter}2"].value
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists[f"{letter}4:{letter}1003"] == "'Daftar'!$D$1:$D$2"
    assert [wb["Daftar"][f"D{i}"].value for i in (1, 2)] == ["ya", "tidak"]
    ws["A4"], ws["B4"], ws["C4"], ws["E4"], ws[f"{letter}4"] = "Tas Isian", "ani", "Anyaman Purun", "p1.jpg", "ya"
    wb.save(out)
    plan = run_plan(scratch, out)
    assert plan.errors == []
    apply(plan, scratch.root / "state")
    assert load_catalog(scratch.content).products["tas-isian"].go_global is True
