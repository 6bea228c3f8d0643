"""Malformed YAML is reported with file and line, never as a traceback."""

from pathlib import Path

import pytest

from pipeline.common.errors import ContentError
from pipeline.common.yamlread import field_name, load, loads


def error_of(text: str) -> str:
    with pytest.raises(ContentError) as info:
        loads(text, "x.yaml")
    (problem,) = info.value.problems
    return str(problem)


def test_lines_are_recorded_for_keys_and_items():
    doc = loads("name: A\nphotos:\n  - a.jpg\n  - file: b.jpg\n    focus: [0.1, 0.2]\n", "p.yaml")
    assert doc.line("name") == 1
    assert doc.line("photos", 0) == 3
    assert doc.line("photos", 1, "focus") == 5
    assert doc.line("photos", 1, "missing") == 4  # nearest recorded parent


def test_field_name_formats_paths():
    assert field_name(("photos", 2, "file")) == "photos[2].file"
    assert field_name(("crafts", 0)) == "crafts[0]"


def test_tab_indentation_names_the_line_and_says_use_spaces():
    message = error_of("name: A\nphotos:\n\t- a.jpg\n")
    assert message.startswith("x.yaml:3: YAML syntax error")
    assert "indent with spaces" in message


def test_bad_indentation_names_the_line():
    message = error_of("name: A\n  price: 5\nstory: x\n")
    assert message.startswith("x.yaml:2: YAML syntax error")


def test_duplicate_keys_are_errors_naming_both_lines():
    assert error_of("name: A\nprice: 1\nname: B\n") == (
        "x.yaml:3: name: duplicate key (first at line 1)\n    hint: keep one of the two")


def test_aliases_are_refused_so_alias_bombs_are_harmless():
    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
    for i in range(1, 12):
        bomb += f"{chr(97 + i)}: &{chr(97 + i)} [" + ",".join([f"*{chr(96 + i)}"] * 9) + "]\n"
    message = error_of(bomb)
    assert message.startswith("x.yaml:2: YAML aliases (*a) are not supported")


def test_merge_keys_are_refused():
    assert "merge keys" in error_of("base: &b {x: 1}\nother:\n  <<: {y: 2}\n")


def test_empty_file():
    assert error_of("") == "x.yaml:1: file is empty\n    hint: fill it in or delete it"
    assert error_of("# only a comment\n").startswith("x.yaml:1: file is empty")


def test_two_documents():
    assert error_of("a: 1\n---\nb: 2\n").startswith("x.yaml:3: more than one YAML document")


def test_non_utf8_file_names_the_line(tmp_path: Path):
    path = tmp_path / "p.yaml"
    path.write_bytes("name: Tas\nstory: caf\xe9\n".encode("latin-1"))
    with pytest.raises(ContentError) as info:
        load(path, "content/products/p.yaml")
    message = str(info.value.problems[0])
    assert message.startswith("content/products/p.yaml:2: file is not UTF-8 text (byte 0xe9")
    assert "UTF-8" in message.split("hint:")[1]


def test_utf8_bom_is_accepted(tmp_path: Path):
    path = tmp_path / "p.yaml"
    path.write_bytes("\ufeffname: Tas\n".encode())
    assert load(path).data == {"name": "Tas"}


@pytest.mark.parametrize("text, line, field, tag", [
    ("name: !!binary aGVsbG8=\n", 1, "name", "!!binary"),
    ("a: 1\nsizes: !!set {S, M}\n", 2, "sizes", "!!set"),
    ("list: !!omap\n  - a: 1\n", 1, "list", "!!omap"),
    ("name: !kain x\n", 1, "name", "!kain"),
    ("!!binary aGk=: x\n", 1, "", "!!binary"),
])
def test_explicit_tags_are_refused_with_line_and_field(text, line, field, tag):
    with pytest.raises(ContentError) as info:
        loads(text, "p.yaml")
    (p,) = info.value.problems
    assert (p.line, p.field, p.message) == (line, field, f"YAML tag `{tag}` is not supported")


def test_a_five_thousand_digit_number_is_one_problem():
    with pytest.raises(ContentError) as info:
        loads("name: x\nprice: " + "9" * 5000 + "\n", "p.yaml")
    (p,) = info.value.problems
    assert (p.line, p.field, p.message) == (2, "price", "number is too long (5,000 characters)")


def test_plain_numbers_keep_their_written_form():
    doc = loads("price: 75.000\nwa: +6281234567890\nquoted: '75.000'\nlist: [1.10]\n", "p.yaml")
    assert doc.data["price"] == 75.0
    assert doc.written == {("price",): "75.000", ("wa",): "+6281234567890", ("list", 0): "1.10"}


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("ETALASE_MAX_FILE_KB", "1")
    path = tmp_path / "big.yaml"
    path.write_text("name: x\n" + "# filler\n" * 200)
    with pytest.raises(ContentError) as info:
        load(path, "big.yaml")
    assert info.value.problems[0].message == "file is 2 KB, over the 1 KB limit for one file"
