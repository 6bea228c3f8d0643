"""`etalase serve`: refuses to listen off loopback without passwords; a real server answers as promised."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import httpx2
import pytest
from conftest import WEB_PASSWORDS, process_env

from pipeline.cli import main


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_off_loopback_it_refuses_to_start_until_someone_has_a_password(scratch, capsys, monkeypatch):
    monkeypatch.delenv("ETALASE_DB", raising=False)
    assert main(["--root", str(scratch.root), "serve", "--host", "0.0.0.0", "--no-scheduler"]) == 1
    err = capsys.readouterr().err
    assert "refusing to listen on 0.0.0.0: nobody has a dashboard password yet" in err
    assert "etalase users add NAME --role admin" in err


def test_as_is_only_for_loopback_and_must_name_a_user(web_office, capsys):
    root = str(web_office.root)
    assert main(["--root", root, "serve", "--host", "0.0.0.0", "--as", "ayu", "--no-scheduler"]) == 1
    assert "--as works only on 127.0.0.1" in capsys.readouterr().err
    assert main(["--root", root, "serve", "--as", "tidak-ada", "--no-scheduler"]) == 1
    assert "no user `tidak-ada`" in capsys.readouterr().err


@pytest.fixture
def server(web_office):
    procs = []

    def start(*args: str) -> str:
        port = free_port()
        env = process_env(PYTHONUNBUFFERED="1")
        env.pop("ETALASE_DB", None)
        proc = subprocess.Popen([sys.executable, "-m", "pipeline", "--root", str(web_office.root), "serve",
                                 "--port", str(port), "--no-scheduler", *args], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        procs.append(proc)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120  # bounds a hang only: a loaded machine may take a while to import
        while True:
            try:
                httpx2.get(base + "/static/style.css", timeout=5)
                return base
            except httpx2.TransportError:
                assert proc.poll() is None, proc.stdout.read()
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.05)

    yield start
    for proc in procs:
        proc.terminate()
        proc.wait(timeout=60)


def test_on_loopback_pages_open_and_foreign_host_names_are_refused(server):
    base = server()
    assert httpx2.get(base + "/produk").status_code == 200
    assert httpx2.get(base + "/produk", headers={"Host": "rebind.example:8000"}).status_code == 400


def test_on_every_address_every_page_needs_a_login(server):
    base = server("--host", "0.0.0.0")
    r = httpx2.get(base + "/produk")
    assert r.status_code == 303 and r.headers["location"] == "/masuk?lanjut=/produk"
    assert httpx2.get(base + "/api/products").status_code == 401
    assert httpx2.get(base + "/masuk").status_code == 200


def _login_api(base: str, name: str, password: str, forwarded_for: str) -> int:
    return httpx2.post(base + "/api/login", json={"name": name, "password": password},
                      headers={"X-Forwarded-For": forwarded_for}, timeout=30).status_code


def test_forged_forwarded_for_does_not_escape_login_throttling(server):
    base = server()
    answers = [_login_api(base, "ayu", "salah-sekali", f"203.0.113.{i}") for i in range(12)]
    assert answers == [401] * 5 + [429] * 7  # every try came from 127.0.0.1, whatever the header claimed
    assert _login_api(base, "ayu", WEB_PASSWORDS["ayu"], "203.0.113.99") == 429


def test_behind_a_named_proxy_a_name_is_throttled_from_every_address(server):
    base = server("--trust-proxy", "127.0.0.1")
    answers = [_login_api(base, "siti", "salah-sekali", f"198.51.100.{i}") for i in range(12)]
    assert answers == [401] * 10 + [429] * 2  # addresses believed (no per-address stop at 5), the name stops at 10
    assert _login_api(base, "siti", WEB_PASSWORDS["siti"], "198.51.100.200") == 429
    assert _login_api(base, "budi", WEB_PASSWORDS["budi"], "198.51.100.201") == 200


def test_a_loopback_host_other_than_127_0_0_1_is_served(server):
    base = server()
    assert httpx2.get(base + "/produk", headers={"Host": "127.0.0.2:8000"}).status_code == 200
    assert httpx2.get(base + "/produk", headers={"Host": "[::1]:8000"}).status_code == 200
