"""Dropping a JPEG's metadata without touching its pixels, so a photo that is already a clean JPEG is taken in
as it is: no second lossy encode (which costs curators detail and the import most of its time).

What goes: every APPn segment but JFIF (APP0) and Adobe (APP14, which says how to read the colours), so EXIF
(GPS, camera serials, dates), XMP, ICC, MPF and Photoshop blocks; every comment; and anything after the end
of the image (phones append a second picture or a motion clip there). What stays: the tables, the frame and
every scan byte for byte. Markers are followed through the whole file, scans included, so metadata hidden
between the scans of a progressive JPEG goes too.
"""

from __future__ import annotations

import re

SOI, EOI, SOS = 0xD8, 0xD9, 0xDA
KEPT_APP = (0xE0, 0xEE)  # JFIF, Adobe
STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM, RST0-7: no length field


class NotJpeg(ValueError):
    """The bytes do not follow the JPEG segment structure (the caller re-encodes or refuses them)."""


def strip_metadata(data: bytes) -> bytes:
    """The same image with no metadata segments, no comments and nothing after its end marker."""
    if data[:2] != b"\xff\xd8":
        raise NotJpeg("no start-of-image marker")
    out = [data[:2]]
    i, n = 2, len(data)
    while True:
        if i + 1 >= n or data[i] != 0xFF:
            raise NotJpeg(f"expected a marker at byte {i}")
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte before a marker
            i += 1
            continue
        if marker == EOI:
            out.append(b"\xff\xd9")
            return b"".join(out)
        if marker in STANDALONE:
            out.append(data[i:i + 2])
            i += 2
            continue
        if i + 4 > n:
            raise NotJpeg(f"segment at byte {i} is cut short")
        end = i + 2 + int.from_bytes(data[i + 2:i + 4], "big")
        if end > n or end < i + 4:
            raise NotJpeg(f"segment at byte {i} runs past the end")
        if not _is_metadata(marker):
            out.append(data[i:end])
        i = end
        if marker == SOS:
            j = _scan_end(data, i)
            out.append(data[i:j])
            i = j


def _is_metadata(marker: int) -> bool:
    return marker == 0xFE or (0xE0 <= marker <= 0xEF and marker not in KEPT_APP)


MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7]")  # in a scan, 0xFF 0x00 is a stuffed byte and RSTn a restart


def _scan_end(data: bytes, i: int) -> int:
    """Where a scan's entropy-coded bytes end: the first 0xFF not followed by a stuffed 0 or a restart."""
    m = MARKER.search(data, i)
    if m is None:
        raise NotJpeg("the image data has no end marker")
    return m.start()
