"""The FINESS number check as a portable SQL expression (same rule as :mod:`esmsnum.domain.finess`).

Only ANSI-style functions are used (``substr``, ``position(x IN y)``, ``length``, ``CASE``), so the expression runs
unchanged on DuckDB, PostgreSQL, Spark SQL or Trino. A character's value is its code minus 48 (``0``→0 … ``9``→9,
``A``→17 … ``J``→26), read through its position in :data:`_CODES`; ``2A``/``2B`` are read as ``21``/``22``.
The Luhn key doubles the 2nd, 4th, 6th and 8th characters (counting from the left of the 9).
"""

_DIGITS = "0123456789"
_SECOND = "0123456789ABCDEFGHIJ"
_CODES = "0123456789:;<=>?@ABCDEFGHIJ"  # position - 1 = ord(char) - 48 for 0-9 and A-J


def _char(column: str, index: int) -> str:
    return f"substr({column}, {index}, 1)"


def _value(column: str, index: int) -> str:
    if index == 2:
        return (
            f"(CASE substr({column}, 1, 2) WHEN '2A' THEN 1 WHEN '2B' THEN 2 "
            f"ELSE position({_char(column, 2)} IN '{_CODES}') - 1 END)"
        )
    return f"(position({_char(column, index)} IN '{_CODES}') - 1)"


def _luhn_term(column: str, index: int) -> str:
    value = _value(column, index)
    if index % 2 == 0:
        return f"(CASE WHEN 2 * {value} > 9 THEN 2 * {value} - 9 ELSE 2 * {value} END)"
    return value


def luhn_sum_sql(column: str, length: int = 9) -> str:
    """SQL for the Luhn sum over the first ``length`` characters, doubling positions 2, 4, 6, 8."""
    return " + ".join(_luhn_term(column, index) for index in range(1, length + 1))


def finess_format_sql(column: str) -> str:
    """SQL boolean: 9 characters, digit, digit or A-J, seven digits; a letter only in 2A, 2B or 9A…9J."""
    digits = " AND ".join(f"position({_char(column, index)} IN '{_DIGITS}') > 0" for index in range(3, 10))
    return (
        f"(length({column}) = 9 AND position({_char(column, 1)} IN '{_DIGITS}') > 0"
        f" AND position({_char(column, 2)} IN '{_SECOND}') > 0 AND {digits}"
        f" AND (position({_char(column, 2)} IN '{_DIGITS}') > 0"
        f" OR substr({column}, 1, 2) IN ('2A', '2B') OR {_char(column, 1)} = '9'))"
    )


def finess_reason_sql(column: str) -> str:
    """SQL returning NULL for a valid FINESS number, else a reason code.

    ``finess_missing`` (NULL or empty), ``finess_format`` or ``finess_key`` (checked once the format is good).
    """
    return (
        f"(CASE WHEN {column} IS NULL OR {column} = '' THEN 'finess_missing'"
        f" WHEN NOT {finess_format_sql(column)} THEN 'finess_format'"
        f" WHEN ({luhn_sum_sql(column)}) % 10 <> 0 THEN 'finess_key' END)"
    )


def finess_key_sql(first_eight: str) -> str:
    """SQL computing the check character completing 8 characters (used by the synthetic extract generator).

    With a 9th character appended, the 8 first characters keep their doubling pattern (2nd, 4th, 6th, 8th).
    """
    return f"CAST((10 - ({luhn_sum_sql(first_eight, 8)}) % 10) % 10 AS VARCHAR)"
