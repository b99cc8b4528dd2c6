"""Reads on the referential shared by the UI and the API: search of establishments and organisations."""

from __future__ import annotations

import re

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from esmsnum.domain.text import search_key

from .models import Establishment, Organisation

_FINESS_PREFIX = re.compile(r"^[0-9][0-9AB-Jab-j]?[0-9]{0,7}$")
MAX_LIMIT = 100


def _terms(query: str) -> list[str]:
    return search_key(query).split()


def _all_words(terms: list[str]) -> Q:
    condition = Q()
    for term in terms:
        condition &= Q(search_text__contains=term)
    return condition


def _is_finess_prefix(query: str) -> bool:
    compact = query.strip().replace(" ", "")
    return len(compact) >= 2 and bool(_FINESS_PREFIX.match(compact))


def search_establishments(
    query: str,
    region: str | None = None,
    limit: int = 20,
    *,
    open_only: bool = False,
    queryset: QuerySet[Establishment] | None = None,
) -> list[Establishment]:
    """Establishments matching ``query``: a FINESS ET number prefix, or words found in the name or the commune.

    Case- and accent-insensitive ("reunion" finds "RÉUNION"); every word must match. Exact FINESS matches come
    first, then open establishments, then by name. ``region`` restricts to an INSEE region code.
    """
    query = (query or "").strip()
    limit = max(1, min(limit, MAX_LIMIT))
    qs = queryset if queryset is not None else Establishment.objects.all()
    if region:
        qs = qs.filter(region_id=region)
    if open_only:
        qs = qs.filter(is_open=True)
    if not query:
        return []
    condition = Q()
    if _is_finess_prefix(query):
        condition = Q(finess_et__startswith=query.replace(" ", "").upper())
    terms = _terms(query)
    if terms:
        condition |= _all_words(terms)
    if not condition:
        return []
    qs = (
        qs.filter(condition)
        .select_related("organisation", "category", "department", "region")
        .annotate(
            exact=Case(When(finess_et=query.upper(), then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .order_by("exact", "-is_open", "name", "finess_et")
    )
    return list(qs[:limit])


def search_organisations(query: str, region: str | None = None, limit: int = 20) -> list[Organisation]:
    """Organisations (OG) matching ``query``: a FINESS EJ number prefix or words of the name.

    ``region`` keeps organisations that manage at least one establishment in that region.
    """
    query = (query or "").strip()
    limit = max(1, min(limit, MAX_LIMIT))
    if not query:
        return []
    condition = Q()
    if _is_finess_prefix(query):
        condition = Q(finess_ej__startswith=query.replace(" ", "").upper())
    terms = _terms(query)
    if terms:
        condition |= _all_words(terms)
    if not condition:
        return []
    qs = Organisation.objects.filter(condition)
    if region:
        qs = qs.filter(establishments__region_id=region).distinct()
    qs = qs.annotate(
        exact=Case(When(finess_ej=query.upper(), then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by("exact", "name", "finess_ej")
    return list(qs.select_related("department")[:limit])


def establishments_of(organisation: Organisation, *, open_only: bool = True) -> QuerySet[Establishment]:
    """The establishments managed by an organisation (open ones by default)."""
    qs = organisation.establishments.select_related("category", "region", "department")
    return qs.filter(is_open=True) if open_only else qs


def region_counts(*, open_only: bool = True) -> dict[str, int]:
    """Number of establishments per region code."""
    from django.db.models import Count

    qs = Establishment.objects.all()
    if open_only:
        qs = qs.filter(is_open=True)
    return dict(qs.values_list("region_id").annotate(n=Count("id")).values_list("region_id", "n"))
