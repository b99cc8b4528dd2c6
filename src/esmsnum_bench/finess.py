"""Functions run by `esmsnum bench finess` in a child process (see :mod:`esmsnum_bench.cli`)."""

from __future__ import annotations


def import_file(path: str) -> dict:
    """Import a FINESS extract; return its counts (JSON-serialisable)."""
    from esmsnum.referential.importer import import_extract

    result = import_extract(path)
    return {
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "closed": result.closed,
        "rejected": result.rejected,
        "warnings": result.warnings,
        "establishments": result.establishments_in_file,
        "seconds": round(result.seconds, 3),
    }
