"""The monthly report as an A4 PDF made with fpdf2 (pure Python, embeds the brand's own TTF fonts, so
Indonesian text and the council's look survive printing). Same content and order as the HTML page."""

from __future__ import annotations

import io
from collections.abc import Mapping

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from PIL import Image

from pipeline.common.labels import tanggal, waktu
from pipeline.results.monthly import MonthReport
from pipeline.results.report import BARS_MM, METRIC_LABELS, angka, month_name
from pipeline.results.stats import FEW_POSTS


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _or_dash(value) -> str:
    return "–" if value is None else angka(value)


class _Doc(FPDF):
    def __init__(self, brand, footer_text: str):
        super().__init__(format="A4")
        self.footer_text = footer_text
        self.primary = _rgb(brand.colours.get("primary", "#7A4A26"))
        self.accent = _rgb(brand.colours.get("accent", "#E9B949"))
        self.dark = _rgb(brand.colours.get("dark", "#22170F"))
        self.add_font("body", "", str(brand.font_path("body")))
        self.add_font("body", "B", str(brand.font_path("strong")))
        self.add_font("title", "", str(brand.font_path("title")))
        self.set_auto_page_break(True, margin=16)
        self.set_margins(16, 16, 16)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("body", "", 8)
        self.set_text_color(*self.dark)
        self.cell(0, 5, f"{self.footer_text} · halaman {self.page_no()}/{{nb}}", align="C")

    def heading(self, text: str, room: float = 40) -> None:
        """A section title, on a new page when less than `room` mm (title plus a first block) is left."""
        if self.will_page_break(room):
            self.add_page()
        self.ln(4)
        self.set_font("title", "", 14)
        self.set_text_color(*self.primary)
        self.cell(0, 8, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(*self.accent)
        self.set_line_width(0.6)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(2)
        self.set_text_color(*self.dark)
        self.set_font("body", "", 10)

    def subheading(self, text: str, room: float = 30) -> None:
        """A grouping's title, kept on one page with `room` mm of what follows it (its chart)."""
        if self.will_page_break(room):
            self.add_page()
        self.ln(3)
        self.set_font("body", "B", 11)
        self.set_text_color(*self.dark)
        self.cell(0, 7, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("body", "", 10)

    def para(self, text: str, size: float = 10) -> None:
        self.set_font("body", "", size)
        self.multi_cell(0, 5.5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def rows(self, header: tuple[str, ...], rows: list[tuple], widths: tuple[int, ...], right: int = 1) -> None:
        """A table whose last `right` columns are numbers (right-aligned)."""
        align = tuple(["LEFT"] * (len(header) - right) + ["RIGHT"] * right)
        self.set_font("body", "", 10)
        with self.table(col_widths=widths, text_align=align, line_height=6, first_row_as_headings=True,
                        headings_style=_heading_style(self)) as table:
            for row in [header, *rows]:
                r = table.row()
                for value in row:
                    r.cell(str(value))


def _thumbnail(path):
    """A cover small enough for a 20 mm cell at print resolution (a full 1080x1920 cover is ~300 KB).

    None for a damaged or unreadable cover, which the table then shows as missing."""
    from pipeline.catalog.media import MediaError, open_rgb

    try:
        image = open_rgb(path)
    except (MediaError, OSError):
        return None
    image.thumbnail((240, 427))
    return image


def _heading_style(doc: _Doc):
    from fpdf.fonts import FontFace

    return FontFace(family="body", emphasis="BOLD", color=(255, 255, 255), fill_color=doc.primary)


BESIDE_ROWS = 15  # the most bars a chart draws; a table this long still fits beside it


def _groups(doc: _Doc, report: MonthReport, pngs: Mapping[str, bytes]) -> None:
    """What sells: each grouping's bar chart (when drawn) above its table of medians with their n."""
    doc.heading("Apa yang paling banyak ditonton", room=70)
    shown = [g for g in report.groups if g.rows]
    if not shown:
        doc.para("Belum ada hasil yang dicatat untuk unggahan bulan ini, jadi belum ada grafik atau median per "
                 "kelompok.")
        return
    doc.para(f"Setiap angka adalah median tayangan per unggahan bulan ini, dengan jumlah unggahan di belakangnya (n). "
             f"Kelompok dengan kurang dari {FEW_POSTS} unggahan ditandai \"sedikit data\" (batang pucat bergaris): "
             "jangan dibaca sebagai pola.", 8.5)
    if not pngs:
        doc.para("Grafik tidak digambar: paket tambahan \"report\" (matplotlib) belum dipasang di komputer ini; "
                 "angkanya ada di tabel.", 8.5)
    for g in shown:
        rows = [(label + (" (sedikit data)" if group.few else ""), angka(group.median), angka(group.n))
                for label, group in g.rows]
        png = pngs.get(g.name)
        if not png:
            doc.subheading(g.title, room=(len(rows) + 1) * 7 + 10)
            doc.rows((g.column, "Median tayangan", "n"), rows, (118, 36, 24), right=2)
            continue
        width_px, height_px = Image.open(io.BytesIO(png)).size
        chart_h = BARS_MM * height_px / width_px  # printed at the size it was drawn
        beside = len(rows) <= BESIDE_ROWS  # a longer table goes under its chart, at full width
        if doc.will_page_break(max(chart_h, (len(rows) + 1) * 7) + 4 if beside else chart_h + 20):
            doc.add_page()
        doc.ln(3)
        top = doc.get_y()
        doc.image(io.BytesIO(png), x=doc.l_margin, y=top, w=BARS_MM)
        doc.set_y(top if beside else top + chart_h + 1)
        doc.set_font("body", "", 9)
        with doc.table(col_widths=(42, 16, 10) if beside else (118, 36, 24),
                       width=doc.epw - BARS_MM - 2 if beside else doc.epw, align="RIGHT",
                       text_align=("LEFT", "RIGHT", "RIGHT"), line_height=5,
                       headings_style=_heading_style(doc)) as table:
            for row in [(g.column, "Median" if beside else "Median tayangan", "n"), *rows]:
                cells = table.row()
                for value in row:
                    cells.cell(str(value))
        doc.set_y(max(doc.get_y(), top + chart_h))
    missing = [g.column.lower() for g in report.groups if not g.rows]
    if missing:
        doc.ln(2)
        doc.para(f"Belum ada angka bulan ini untuk: {', '.join(missing)}.", 8.5)


def report_pdf(report: MonthReport, brand, *, chart_png: bytes | None = None,
               group_pngs: Mapping[str, bytes] | None = None) -> bytes:
    """The PDF; `group_pngs` holds the bar chart of each grouping drawn (by grouping name), each shown
    above its table."""
    bulan = month_name(report.month)
    doc = _Doc(brand, f"{report.council} · Laporan {bulan}")
    doc.set_title(f"Laporan Bulanan {bulan}")
    doc.set_author(report.council)
    doc.set_creation_date(report.made_at)
    doc.add_page()
    doc.set_font("title", "", 22)
    doc.set_text_color(*doc.primary)
    doc.cell(0, 11, f"Laporan Bulanan {bulan}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    doc.set_text_color(*doc.dark)
    doc.para(f"{report.council} · dibuat {waktu(report.made_at)}")

    doc.heading("Ringkasan")
    doc.rows(("Ukuran", "Jumlah"), [
        ("Hari diunggah", angka(report.posts)),
        ("Unggahan dengan hasil tercatat", angka(report.read)),
        ("Total tayangan", _or_dash(report.totals["views"])),
        ("Median tayangan per unggahan", _or_dash(report.medians["views"])),
    ], (120, 58))

    doc.heading("Unggahan per kanal")
    if report.per_channel:
        doc.rows(("Kanal", "Unggahan"), [(label, angka(n)) for label, n in report.per_channel], (120, 58))
    else:
        doc.para("Belum ada unggahan yang ditandai pada bulan ini.")

    doc.heading("Hasil")
    doc.rows(("Ukuran", "Total", "Median per unggahan"),
             [(label, _or_dash(report.totals[m]), _or_dash(report.medians[m])) for m, label in METRIC_LABELS.items()],
             (78, 50, 50), right=2)
    doc.para("Hasil adalah bacaan terakhir tiap kanal, dijumlahkan per unggahan. \"–\" berarti belum ada yang "
             "mencatat angka itu.", 8.5)
    if chart_png:
        if doc.will_page_break(95):
            doc.add_page()
        doc.image(io.BytesIO(chart_png), w=doc.epw)

    _groups(doc, report, group_pngs or {})

    doc.heading("Lima unggahan teratas", room=60)
    if report.top:
        with doc.table(col_widths=(20, 118, 40), text_align=("LEFT", "LEFT", "RIGHT"), line_height=5.5,
                       headings_style=_heading_style(doc)) as table:
            head = table.row()
            for text in ("Sampul", "Produk", "Tayangan"):
                head.cell(text)
            for t in report.top:
                row = table.row()
                thumb = _thumbnail(t.cover) if t.cover else None
                if thumb is not None:
                    row.cell(img=thumb, img_fill_width=True)
                else:
                    row.cell("tanpa sampul")
                where = f"{t.artisan}, {t.kecamatan}" if t.kecamatan else t.artisan
                row.cell(f"{t.product}\n{where}\n{tanggal(t.day, with_weekday=False)}")
                row.cell(angka(t.views) + (f"\n{angka(t.likes)} suka" if t.likes is not None else ""))
    else:
        doc.para("Belum ada hasil yang dicatat untuk unggahan bulan ini.")

    doc.heading("Pengrajin yang ditampilkan")
    if report.artisans:
        doc.rows(("Pengrajin", "Kecamatan", "Unggahan"), [(n, k, angka(c)) for n, k, c in report.artisans],
                 (80, 68, 30))
    else:
        doc.para("Belum ada pengrajin yang ditampilkan bulan ini.")

    doc.heading("Kecamatan yang dipromosikan")
    if report.districts:
        total, missing = len(report.districts), report.unpromoted
        doc.para(f"{total - len(missing)} dari {total} kecamatan dipromosikan; belum: {', '.join(missing)}."
                 if missing else f"Semua {total} kecamatan dipromosikan bulan ini.")
        promoted = [(k, angka(n)) for k, n in report.districts if n]
        if promoted:  # a month with no posts: the sentence alone, not a table's header over nothing
            doc.rows(("Kecamatan", "Unggahan"), promoted, (120, 58))
    else:
        doc.para("Daftar kecamatan belum diisi (content/region.yaml).")

    doc.heading("Kurasi produk", room=32)
    doc.rows(("Produk", "Jumlah"), [("Disetujui (siap diunggah)", angka(report.approved)),
                                    ("Menunggu kurasi", angka(report.waiting))], (120, 58))
    return bytes(doc.output())
