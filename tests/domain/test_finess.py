import gzip

import pytest
from hypothesis import given
from hypothesis import strategies as st

from esmsnum.domain.finess import InvalidFiness, finess_error, is_valid_finess, validate_finess, with_key


@pytest.mark.parametrize("number", ["010000024", "970405767", "2A0000154", "9A0000087"])
def test_known_valid_numbers(number):
    assert finess_error(with_key(number[:8])) is None


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("01000002", "9 caractères"),
        ("0100000245", "9 caractères"),
        ("01000002X", "mal formé"),
        ("1C0000024", "préfixe"),
        (None, "chaîne"),
    ],
)
def test_malformed_numbers_are_explained(number, reason):
    error = finess_error(number)
    assert error is not None
    assert reason in error


def test_wrong_key_is_refused():
    good = with_key("01000002")
    wrong = good[:8] + str((int(good[8]) + 1) % 10)
    assert "clé" in finess_error(wrong)
    with pytest.raises(InvalidFiness):
        validate_finess(wrong)


@given(
    st.sampled_from(["01", "13", "2A", "2B", "59", "97", "9A", "9D", "9F"]),
    st.text("0123456789", min_size=6, max_size=6),
)
def test_with_key_always_gives_a_valid_number(prefix, digits):
    number = with_key(prefix + digits)
    assert is_valid_finess(number)
    # any other key is refused
    for key in "0123456789":
        if key != number[8]:
            assert not is_valid_finess(number[:8] + key)


@pytest.mark.shared_data
def test_every_number_of_the_national_extract_is_valid(shared_dir):
    path = shared_dir / "data/finess/reconstructed-etalab-cs1100507-20210108.csv.gz"
    count = 0
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            fields = line.split(";")
            if fields[0] != "structureet":
                continue
            for number in fields[1:3]:
                assert finess_error(number) is None, number
                count += 1
    assert count == 2 * 95_333
