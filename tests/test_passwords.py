"""Password hashes: salted scrypt, parameters stored in the hash, bad input says no without crashing."""

from __future__ import annotations

import pytest

from pipeline.curation import passwords as P

# OWASP Password Storage Cheat Sheet: scrypt settings of equal strength (N, r, p)
OWASP_SCRYPT = {(2**17, 8, 1), (2**16, 8, 2), (2**15, 8, 3), (2**14, 8, 5), (2**13, 8, 10)}


@pytest.fixture(scope="module")
def stored() -> str:
    return P.hash_password("anyaman-purun-2026")


def test_the_right_password_verifies_and_others_do_not(stored):
    assert P.verify_password("anyaman-purun-2026", stored)
    assert not P.verify_password("anyaman-purun-2027", stored)


def test_hash_names_scrypt_and_its_parameters_and_never_holds_the_password(stored):
    scheme, n, r, p, salt, key = stored.split("$")
    assert (scheme, int(n), int(r), int(p)) == ("scrypt", P.N, P.R, P.P)
    assert (P.N, P.R, P.P) in OWASP_SCRYPT
    assert "anyaman" not in stored and len(salt) >= 22 and len(key) >= 43
    assert not P.needs_rehash(stored)


def test_each_hash_has_its_own_salt():
    a, b = P.hash_password("sama-sama-saja"), P.hash_password("sama-sama-saja")
    assert a != b and a.split("$")[4] != b.split("$")[4]


def test_a_hash_with_older_parameters_still_verifies_and_asks_for_a_rehash():
    salt = b"0123456789abcdef"
    key = P._derive("kata-sandi-lama", salt, 1024, 8, 1, 32)
    old = "$".join(["scrypt", "1024", "8", "1", P._b64(salt), P._b64(key)])
    assert P.verify_password("kata-sandi-lama", old)
    assert P.needs_rehash(old)


def test_missing_or_malformed_hashes_never_verify():
    for bad in (None, "plain-text-password", "scrypt$x$8$1$AAAA$BBBB", "bcrypt$12$abc",
                "scrypt$1000$8$1$AAAAAAAAAAAAAAAAAAAAAA$" + "A" * 43,  # N not a power of two
                "scrypt$16384$8$1$!!!$" + "A" * 43):
        assert P._parse(bad or "") is None
    assert not P.verify_password("anything-at-all", None)


@pytest.mark.parametrize("weak, why", [("pendek", "at least 8"), (" spasi-di-depan", "spaces"),
                                       ("x" * 2000, "at most")])
def test_weak_passwords_are_refused(weak, why):
    with pytest.raises(P.WeakPassword, match=why):
        P.hash_password(weak)


def test_an_overlong_guess_is_refused_without_hashing_a_megabyte(stored):
    assert not P.verify_password("x" * 1_000_000, stored)
