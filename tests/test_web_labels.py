"""The dashboard shows the catalogue's hardening messages in Bahasa Indonesia."""

import pytest

from pipeline.web.labels import pesan


@pytest.mark.parametrize("english, indonesian", [
    ("`150 USD` is not a price in rupiah: write it in rupiah, e.g. \"Rp 150.000\"", "bukan harga dalam rupiah"),
    ("contains an invisible control character (U+001B ESCAPE) at character 5: delete it and type the text again",
     "ada karakter kendali tak terlihat (U+001B) di karakter ke-5"),
    ("YAML tag `!!binary` is not supported", "tag YAML `!!binary` tidak didukung"),
    ("is a link to `/etc/passwd`, outside content/", "tautan ke `/etc/passwd`, di luar content/"),
    ("is a folder, not a file", "ini folder, bukan file"),
    ("is not a regular file (a device, pipe or socket)", "bukan file biasa"),
    ("file is 48 MB, over the 256 KB limit for one file", "file berukuran 48 MB, melebihi batas 256 KB"),
])
def test_hardening_messages_are_translated(english, indonesian):
    assert indonesian in pesan(english)
