"""Access to the reference data (categories, regions) used by the contract and the engine, with small caches."""

from functools import lru_cache

from esmsnum.domain import reference as _reference

DROM_CORSE_REGIONS = _reference.DROM_CORSE_REGIONS


@lru_cache(maxsize=2048)
def category(code: str):
    return _reference.category(code)


@lru_cache(maxsize=256)
def region(code: str):
    return _reference.region(code)


def region_timezone(code: str) -> str:
    info = region(code)
    return getattr(info, "timezone", None) or "Europe/Paris"


def region_name(code: str) -> str:
    info = region(code)
    return getattr(info, "name", None) or code


def overseas_or_corse(code: str) -> bool:
    info = region(code)
    if info is not None and hasattr(info, "overseas_or_corse"):
        return bool(info.overseas_or_corse)
    return code in DROM_CORSE_REGIONS


def assurance_maladie_funded(financeur: object) -> bool | None:
    """True when a FINESS category's financeur includes the Assurance maladie; None when unknown."""
    value = str(getattr(financeur, "value", financeur) or "").lower()
    if not value or value in {"undefined", "unknown"}:
        return None
    return value in {"am", "am_cd", "assurance_maladie"} or "maladie" in value
