"""Opening the dashboard on a phone: the office-network address to serve on, and a QR code of its URL.

The address is the one the operating system would send from towards a private network: "connecting" a
UDP socket only picks a route and sends no packet, so this works offline and never reaches anyone.
"""

from __future__ import annotations

import io
import ipaddress
import socket

import segno

FALLBACK = "127.0.0.1"
PROBE = ("10.255.255.255", 9)  # any private address: only the routing table is consulted


def lan_address(probe: tuple[str, int] = PROBE) -> str:
    """This computer's primary IPv4 address on the office network, or 127.0.0.1 when it has none.

    Never raises: no network, no route or an odd answer all give the fallback (the caller says so).
    """
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.connect(probe)
            found = sock.getsockname()[0]
        ip = ipaddress.IPv4Address(found)
    except (OSError, OverflowError, ValueError, IndexError, TypeError):
        return FALLBACK
    if ip.is_unspecified or ip.is_loopback or ip.is_multicast or ip.is_link_local:
        return FALLBACK
    return str(ip)


def url_for(host: str, port: int) -> str:
    return f"http://{host}:{port}/"


def _qr(url: str) -> segno.QRCode:
    return segno.make(url, error="m", micro=False)


def qr_data_uri(url: str) -> str:
    """The QR code as a PNG data: URI for an <img> (the page's CSP allows data: images, not inline scripts)."""
    return _qr(url).png_data_uri(scale=8, border=4, dark="#111111", light="#ffffff")


def qr_text(url: str) -> str:
    """The QR code drawn with block characters for a terminal (two module rows per text line)."""
    out = io.StringIO()
    _qr(url).terminal(out=out, compact=True, border=2)
    return out.getvalue()
