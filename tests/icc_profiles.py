"""A hand-built ICC v2 matrix/TRC profile, so colour-space tests need no profile files on disk."""

from __future__ import annotations

import struct

D50 = (0.9642, 1.0, 0.8249)
# Display P3 primaries adapted to D50 (the ICC connection space), as Apple's profile carries them.
DISPLAY_P3 = ((0.5151, 0.2412, -0.0011), (0.2920, 0.6922, 0.0419), (0.1571, 0.0666, 0.7841))


def _s15(v: float) -> bytes:
    return struct.pack(">i", round(v * 65536))


def _xyz(xyz) -> bytes:
    return b"XYZ " + b"\0" * 4 + b"".join(_s15(v) for v in xyz)


def _desc(text: str) -> bytes:
    ascii_ = text.encode("ascii") + b"\0"
    body = b"desc" + b"\0" * 4 + struct.pack(">I", len(ascii_)) + ascii_
    return body + b"\0" * 8 + b"\0" * 3 + b"\0" * 67  # no Unicode, no ScriptCode descriptions


def matrix_profile(name: str = "Display P3 (test)", primaries=DISPLAY_P3, gamma: float = 2.2) -> bytes:
    curve = b"curv" + b"\0" * 4 + struct.pack(">IH", 1, round(gamma * 256)) + b"\0\0"
    tags = [(b"desc", _desc(name)), (b"wtpt", _xyz(D50)), (b"rXYZ", _xyz(primaries[0])),
            (b"gXYZ", _xyz(primaries[1])), (b"bXYZ", _xyz(primaries[2])),
            (b"rTRC", curve), (b"gTRC", curve), (b"bTRC", curve), (b"cprt", b"text\0\0\0\0none\0\0\0\0")]
    offset = 128 + 4 + 12 * len(tags)
    table, data = b"", b""
    for sig, body in tags:
        while (offset + len(data)) % 4:
            data += b"\0"
        table += sig + struct.pack(">II", offset + len(data), len(body))
        data += body
    payload = struct.pack(">I", len(tags)) + table + data
    size = 128 + len(payload)
    header = (struct.pack(">I", size) + b"none" + bytes([2, 0x10, 0, 0]) + b"mntrRGB XYZ " + b"\0" * 12
              + b"acsp" + b"APPL" + b"\0" * 4 + b"\0" * 8 + b"\0" * 8 + struct.pack(">I", 0)
              + b"".join(_s15(v) for v in D50) + b"none" + b"\0" * 44)
    assert len(header) == 128, len(header)
    return header + payload
