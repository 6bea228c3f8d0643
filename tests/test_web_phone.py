"""The admin opens the dashboard on a phone: `serve --lan` picks the office address and shows its QR code.

Nothing here connects to a non-loopback address: the address picker is checked by what it returns, and the
QR codes (printed in the terminal, shown on /hp) are decoded with zxing-cpp, as a phone camera would.
"""

from __future__ import annotations

import base64
import io
import ipaddress
import re
import subprocess
import sys
import time

import pytest
import zxingcpp
from conftest import web_login
from fastapi.testclient import TestClient
from PIL import Image

from pipeline.common.project import Project
from pipeline.web import create_app
from pipeline.web.lan import FALLBACK, lan_address, qr_data_uri, qr_text, url_for

URL = "http://192.168.1.23:8000/"


def decode(image: Image.Image) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(image)]


def terminal_image(text: str) -> Image.Image:
    """The block characters segno prints (compact: two module rows per line, light drawn as ink) as pixels."""
    halves = {"█": (1, 1), "▀": (1, 0), "▄": (0, 1), " ": (0, 0)}
    lines = [line for line in text.splitlines() if line]
    width = max(len(line) for line in lines)
    rows: list[list[int]] = []
    for line in lines:
        top, bottom = [], []
        for ch in line.ljust(width):
            t, b = halves[ch]
            top.append(t)
            bottom.append(b)
        rows += [top, bottom]
    img = Image.new("L", (width, len(rows)))
    img.putdata([255 * v for row in rows for v in row])
    return img.resize((width * 8, len(rows) * 8), Image.NEAREST)


def test_the_address_picker_returns_this_computers_ipv4_and_never_raises():
    picked = lan_address()
    ip = ipaddress.IPv4Address(picked)  # a valid IPv4 whatever the machine's network
    assert picked == FALLBACK or not (ip.is_loopback or ip.is_unspecified or ip.is_link_local)


@pytest.mark.parametrize("probe", [("127.0.0.1", 9), ("10.0.0.1", -1), ("10.0.0.1", 70000), (None, 9)])
def test_without_a_usable_route_the_picker_falls_back_to_loopback(probe):
    """Loopback only, a refused connect, a malformed probe: 127.0.0.1 (numeric probes only: no DNS query)."""
    assert lan_address(probe) == FALLBACK


def test_the_terminal_qr_code_encodes_exactly_the_url():
    assert decode(terminal_image(qr_text(URL))) == [URL]


def test_the_page_qr_code_encodes_exactly_the_url():
    head, data = qr_data_uri(URL).split(",", 1)
    assert head == "data:image/png;base64"
    assert decode(Image.open(io.BytesIO(base64.b64decode(data)))) == [URL]


def test_buka_di_hp_shows_the_served_address_as_a_qr_code_behind_the_login(web_office):
    c = TestClient(create_app(Project.at(web_office.root), require_login=True, lan_url=URL))
    assert c.get("/hp", follow_redirects=False).status_code == 303
    web_login(c, "ayu")
    assert 'href="/hp">Buka di HP</a>' in c.get("/").text
    html = c.get("/hp").text
    assert "Pindai kode ini dengan kamera HP" in html and f'id="alamat">{URL}<' in html
    src = re.search(r'<img class="qr" src="data:image/png;base64,([^"]+)"', html).group(1)
    assert decode(Image.open(io.BytesIO(base64.b64decode(src)))) == [URL]


def test_without_lan_the_page_says_how_to_get_a_phone_address(web_office):
    c = TestClient(create_app(Project.at(web_office.root), require_login=False))
    html = c.get("/hp").text
    assert "etalase serve --lan" in html and 'class="qr"' not in html


def test_serve_lan_prints_the_picked_address_and_a_qr_code_of_it(web_office):
    """A real `etalase serve --lan`: it listens (nobody connects to it) and prints the phone's way in."""
    from conftest import process_env
    from test_web_serve import free_port

    port = free_port()
    env = process_env(PYTHONUNBUFFERED="1", PYTHONIOENCODING="utf-8")
    env.pop("ETALASE_DB", None)
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "--root", str(web_office.root), "serve", "--lan",
                             "--port", str(port), "--no-scheduler"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, encoding="utf-8")
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 120  # bounds a hang only
        while not lines or not (lines[-1].startswith("Scan the code") or "No office-network" in lines[-1]):
            line = proc.stdout.readline()
            assert line or proc.poll() is None, "".join(lines)
            assert time.monotonic() < deadline, "".join(lines)
            lines.append(line)
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    out = "".join(lines)
    picked = lan_address()
    if picked == FALLBACK:  # a machine without any network: said plainly, no QR code
        assert "serving on 127.0.0.1 only" in out
        return
    url = url_for(picked, port)
    assert f"Etalase dashboard: {url}" in out and f"Open on a phone in the office network: {url}" in out
    start = next(i for i, line in enumerate(lines) if line.startswith("Open on a phone")) + 1
    assert decode(terminal_image("".join(lines[start:-1]))) == [url]


def test_lan_and_host_cannot_be_combined(web_office, capsys):
    from pipeline.cli import main

    with pytest.raises(SystemExit):
        main(["--root", str(web_office.root), "serve", "--lan", "--host", "0.0.0.0", "--no-scheduler"])
    assert "not allowed with argument" in capsys.readouterr().err
