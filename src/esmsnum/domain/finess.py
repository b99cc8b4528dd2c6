"""FINESS numbers: format and check key.

A FINESS number has 9 characters: a 2-character department prefix (``01``…``95``, ``2A``/``2B`` for Corse,
``9A``…``9J`` for the overseas departments and collectivities), 6 digits, and a Luhn check character computed over
the 9 characters, reading ``2A``/``2B`` as ``21``/``22``. This was verified on every number of the 2021 national
extract (see ../shared/data/PROVENANCE.md).
"""

import re

FINESS_RE = re.compile(r"^[0-9][0-9AB-J][0-9]{7}$")
_CORSE = {"2A": "21", "2B": "22"}


class InvalidFiness(ValueError):
    """A FINESS number that is malformed or whose check key is wrong (message in French)."""


def _digits(number: str) -> str:
    prefix = number[:2]
    return _CORSE.get(prefix, prefix) + number[2:]


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def finess_error(number: object) -> str | None:
    """Return the French reason why ``number`` is not a valid FINESS number, or None when it is valid."""
    if not isinstance(number, str):
        return "le numéro FINESS doit être une chaîne de 9 caractères"
    if len(number) != 9:
        return f"le numéro FINESS « {number} » doit compter 9 caractères (il en a {len(number)})"
    if not FINESS_RE.match(number):
        return f"le numéro FINESS « {number} » est mal formé (2 caractères de département puis 7 chiffres)"
    prefix = number[:2]
    if prefix[1].isalpha() and prefix not in _CORSE and prefix[0] != "9":
        return f"le préfixe de département « {prefix} » du numéro FINESS « {number} » n'existe pas"
    if not luhn_valid(_digits(number)):
        return f"la clé du numéro FINESS « {number} » est fausse"
    return None


def is_valid_finess(number: object) -> bool:
    return finess_error(number) is None


def validate_finess(number: object) -> str:
    """Return ``number`` when valid, else raise :class:`InvalidFiness` with a French message."""
    error = finess_error(number)
    if error:
        raise InvalidFiness(error)
    return number  # type: ignore[return-value]


def department_prefix(number: str) -> str:
    """The FINESS department code of a number (``01``, ``2A``, ``9D``…)."""
    return number[:2]


def with_key(first_eight: str) -> str:
    """Complete 8 characters with their check key (used by the demo data generator and tests)."""
    if len(first_eight) != 8:
        raise ValueError("8 caractères attendus")
    base = _digits(first_eight + "0")[:-1]
    for key in "0123456789":
        if luhn_valid(base + key):
            return first_eight + key
    raise AssertionError("unreachable")
