import pytest

from pipeline.catalog.rupiah import format_rupiah, parse_price


@pytest.mark.parametrize("raw, amount", [
    (150000, 150000), ("150000", 150000), ("Rp 150.000", 150000), ("Rp150.000,-", 150000),
    ("rp. 1.250.000", 1250000), ("150rb", 150000), ("150 ribu", 150000), ("1,5jt", 1500000),
    ("2 juta", 2000000), ("Rp 75.000,00", 75000),
    # the ways an Indonesian office writes a price (hardening item 6)
    ("IDR 150.000", 150000), ("150.000", 150000), ("1,5 jt", 1500000), ("Rp 1.250.000,00", 1250000),
    ("150.000 rupiah", 150000), ("Rp. 150rb", 150000), ("1.250rb", 1250000), ("1.5jt", 1500000),
])
def test_accepted_forms(raw, amount):
    assert parse_price(raw) == amount


@pytest.mark.parametrize("raw", ["murah", "150.00", "Rp 1.50.000", True, [1], 0, -5, "12,5", "-5", "Rp -5",
                                 "150 USD", "$150", "RM 150", "Rp 75.000,50", "9" * 5000,
                                 75.0, 85000.0])  # a float cannot tell Rp 75 from Rp 75.000: refused
def test_rejected_forms_say_what_to_write(raw):
    with pytest.raises(ValueError) as info:
        parse_price(raw)
    assert "price" in str(info.value)


@pytest.mark.parametrize("amount, text", [(150000, "Rp 150.000"), (1500, "Rp 1.500"), (999, "Rp 999"),
                                          (1250000, "Rp 1.250.000")])
def test_format(amount, text):
    assert format_rupiah(amount) == text


@pytest.mark.parametrize("raw", ["150 USD", "$150", "RM 150"])
def test_a_foreign_currency_is_named_as_not_rupiah(raw):
    with pytest.raises(ValueError, match="is not a price in rupiah"):
        parse_price(raw)


def test_a_very_long_price_is_refused_with_a_short_message():
    with pytest.raises(ValueError) as info:
        parse_price("9" * 5000)
    assert len(str(info.value)) < 120
