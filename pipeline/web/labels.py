"""Bahasa Indonesia for what the dashboard shows: field names, roles, and the core's messages.

Dates, times and check names come from the shared table in pipeline/common/labels.py (the export pages
use it too).

The core speaks English to the CLI; curators and the admin read Indonesian. Known messages are
translated by pattern; anything unknown is shown as it is rather than hidden.
"""

from __future__ import annotations

import re

from pipeline.common.labels import jam, jam_zona, tanggal, waktu  # noqa: F401 - the shared table, re-exported
from pipeline.curation.rules import STATE_LABELS_ID

FIELD_LABELS = {
    "name": "Nama", "artisan": "Pengrajin", "craft": "Jenis kerajinan", "photos": "Foto", "price": "Harga",
    "materials": "Bahan", "size": "Ukuran", "colours": "Warna", "story": "Cerita", "story_en": "Cerita (Inggris)",
    "tags": "Tag", "certifications": "Sertifikasi", "availability": "Ketersediaan", "kecamatan": "Kecamatan",
    "village": "Desa/kelurahan", "crafts": "Jenis kerajinan", "whatsapp": "WhatsApp",
    "photo_consent": "Setuju tampil di unggahan", "slug": "Nama file", "go_global": "Go Global",
}
AVAILABILITY_LABELS = {"in_stock": "Tersedia", "made_to_order": "Dibuat sesuai pesanan"}
ROLE_LABELS = {"admin": "Admin", "curator": "Kurator", "editor": "Editor"}
ACTION_LABELS = {"submit": "Diajukan", "approve": "Disetujui", "request_changes": "Diminta perbaikan",
                 "reject": "Ditolak", "retire": "Diarsipkan", "restore": "Diaktifkan lagi"}


def state_label(state: str) -> str:
    return STATE_LABELS_ID.get(state, state.replace("_", " "))


def value_label(value):
    """A field's value as a curator reads it: a yes/no field (go_global, photo_consent) says ya or tidak."""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    return "(kosong)" if value is None else value


def field_label(name: str) -> str:
    base = re.sub(r"\[\d+\].*$", "", name or "")
    return FIELD_LABELS.get(base, name)


_MESSAGES = [
    (r"^`(\w+)` is required$", lambda m: f"{field_label(m[1])} wajib diisi"),
    (r"^must not be empty$", lambda m: "tidak boleh kosong"),
    (r"^`(.*)` is not a price in rupiah.*$", lambda m: f"`{m[1]}` bukan harga dalam rupiah: tulis mis. \"Rp 150.000\""),
    (r"^`(\w+)` is required: the sheet has no column for it$", lambda m: f"{field_label(m[1])} wajib; lembar ini "
                                                                          "tidak punya kolomnya"),
    (r"^Excel turned this cell into a date \((.*)\)$",
     lambda m: f"Excel mengubah isi sel ini menjadi tanggal ({m[1]})"),
    (r"^formula `(.*)` has no saved result in the file$", lambda m: f"rumus `{m[1]}` belum punya hasil tersimpan"),
    (r"^column `(.*)` is not imported$", lambda m: f"kolom `{m[1]}` tidak diimpor"),
    (r"^no header row with known column names; sheet ignored$",
     lambda m: "tidak ada baris judul kolom yang dikenal; lembar ini dilewati"),
    (r"^an earlier row has the same name; this one becomes `(.*)`$",
     lambda m: f"nama ini sudah dipakai baris sebelumnya; baris ini menjadi `{m[1]}`"),
    (r"^`(.*)` is not a price.*$", lambda m: f"`{m[1]}` bukan harga: tulis 150000, \"Rp 150.000\" atau \"150rb\""),
    (r"^price must be more than zero.*$", lambda m: "harga harus lebih dari nol"),
    (r"^contains an invisible control character \((U\+[0-9A-F]+)[^)]*\) at character (\d+).*$",
     lambda m: f"ada karakter kendali tak terlihat ({m[1]}) di karakter ke-{m[2]}: hapus lalu ketik ulang teksnya"),
    (r"^YAML tag `(.*)` is not supported$", lambda m: f"tag YAML `{m[1]}` tidak didukung: tulis teks biasa"),
    (r"^is a link to `(.*)`, outside (.*)$", lambda m: f"tautan ke `{m[1]}`, di luar {m[2]}: salin filenya ke sini"),
    (r"^is a link to `(.*)`, which does not exist$", lambda m: f"tautan ke `{m[1]}`, yang tidak ada"),
    (r"^is a link that leads back to itself.*$", lambda m: "tautan yang berputar ke dirinya sendiri"),
    (r"^is a folder, not a file$", lambda m: "ini folder, bukan file"),
    (r"^is not a regular file.*$", lambda m: "bukan file biasa (perangkat, pipa atau soket)"),
    (r"^file is (.*), over the (.*) limit for one file$", lambda m: f"file berukuran {m[1]}, melebihi batas {m[2]}"),
    (r"^number is too long.*$", lambda m: "angkanya terlalu panjang"),
    (r"^price (\d+) looks too large.*$", lambda m: f"harga {m[1]} terlalu besar; tulis rupiah utuh"),
    (r"^`(.*)` is not a WhatsApp number.*$", lambda m: f"`{m[1]}` bukan nomor WhatsApp, contoh \"+62 812-3456-7890\""),
    (r"^`(.*)` is not one of: (.*?)( \(did you mean.*)?$", lambda m: f"`{m[1]}` bukan salah satu dari: {m[2]}"),
    (r"^expected text, got (.*)$", lambda m: "harus berupa teks"),
    (r"^expected a list, got (.*)$", lambda m: "harus berupa daftar"),
    (r"^unknown field, ignored$", lambda m: "kolom tidak dikenal, diabaikan"),
    (r"^no photo consent recorded$", lambda m: "belum ada persetujuan tampil dari pengrajin"),
    (r"^no price given$", lambda m: "harga belum diisi"),
    (r"^unknown artisan `(.*)`$", lambda m: f"pengrajin `{m[1]}` tidak dikenal"),
    (r"^unknown craft `(.*)`$", lambda m: f"jenis kerajinan `{m[1]}` tidak dikenal"),
    (r"^photo `(.*)` not found in content/media/$", lambda m: f"foto `{m[1]}` tidak ada di content/media/"),
    (r"^photo `(.*)` is (\d+x\d+), under (\d+) px.*$",
     lambda m: f"foto `{m[1]}` berukuran {m[2]}, di bawah {m[3]} piksel pada sisi pendek (akan tampak buram)"),
    (r"^approval needs every checklist item confirmed; not confirmed: (.*)$",
     lambda m: "persetujuan memerlukan semua butir daftar periksa dicentang"),
    (r"^(request changes|reject|retire) needs a note$", lambda m: "tulis catatan alasannya"),
    (r"^cannot (.*) a product that is (.*)$",
     lambda m: f"tindakan ini tidak bisa untuk produk yang berstatus {state_label(m[2].replace(' ', '_'))}"),
    (r"^`(.*)` changed on disk after it was loaded$",
     lambda m: f"`{m[1]}` baru saja berubah; muat ulang halaman dan periksa lagi"),
    (r"^`(.*)` is not the version you looked at.*$",
     lambda m: f"`{m[1]}` sudah berubah sejak halaman dibuka; muat ulang dan periksa lagi"),
]
_HINTS = [  # the catalogue's most common hints
    (r"^use a file name from content/artisans/ without \.yaml: (.*)$",
     lambda m: f"pilih salah satu pengrajin (nama file di content/artisans/): {m[1]}"),
    (r"^crafts: (.*)$", lambda m: f"jenis kerajinan yang ada: {m[1]}"),
    (r"^did you mean `(.*)`\?$", lambda m: f"maksudnya `{m[1]}`?"),
    (r"^known fields: (.*)$", lambda m: f"kolom yang dikenal: {m[1]}"),
    (r"^one of: (.*)$", lambda m: f"salah satu dari: {m[1]}"),
    (r"^captions read better with a price.*$", lambda m: "caption lebih menarik dengan harga, mis. \"Rp 150.000\""),
    (r"^set photo_consent: true once.*$", lambda m: "centang persetujuan tampil setelah pengrajin setuju"),
    (r"^it will look soft on TikTok.*$", lambda m: "akan tampak buram di TikTok; pakai foto asli yang lebih besar"),
    (r"^check the spelling and the file extension$", lambda m: "periksa ejaan dan ekstensi nama filenya"),
    (r"^replace the file with a good JPEG.*$", lambda m: "ganti dengan foto JPEG, PNG, WebP atau HEIC yang baik"),
    (r"^check the indentation and quoting.*$", lambda m: "periksa indentasi dan tanda kutip di baris ini dan atasnya"),
    (r"^YAML does not allow tabs.*$", lambda m: "YAML tidak boleh memakai tab: pakai spasi"),
    (r"^fill it in or delete it$", lambda m: "isi file ini atau hapus"),
    (r"^YAML syntax error: (.*)$", lambda m: f"kesalahan sintaks YAML: {m[1]}"),
    (r"^file is empty$", lambda m: "file kosong"),
    (r"^add the artisan on the Pengrajin sheet.*$",
     lambda m: "tambahkan pengrajinnya di lembar Pengrajin, atau isi kolom kecamatan (dan desa, whatsapp)"),
    (r"^rename the header to a known one.*$", lambda m: "ganti judul kolomnya dengan nama yang dikenal"),
    (r"^format the column as Text, or type an apostrophe first.*$",
     lambda m: "format kolomnya sebagai Teks, atau ketik tanda petik dulu, mis. '10-12"),
    (r"^open the file in Excel or LibreOffice and save it again.*$",
     lambda m: "buka file di Excel atau LibreOffice lalu simpan lagi (hasil rumus ikut tersimpan), "
               "atau ketik nilainya"),
    (r"^give each (product|row) its own (name|slug).*$", lambda m: "beri tiap produk nama sendiri, atau kolom slug"),
    (r"^fix its row first \((.*)\)$", lambda m: f"perbaiki dulu barisnya ({m[1]})"),
]
_COMPILED = [(re.compile(p, re.S), f) for p, f in _MESSAGES + _HINTS]


def pesan(message: str) -> str:
    """The core's English message in Indonesian when known; otherwise unchanged."""
    first = str(message).split("\n    hint:")[0].strip()
    for pattern, make in _COMPILED:
        m = pattern.match(first)
        if m:
            return make(m)
    return first
