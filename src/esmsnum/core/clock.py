"""The platform's clock: real time, or a simulated instant for demonstrations and tests.

Campaigns have real dates (the 2024 call closed on 15/09/2024). To show a campaign while it is open, set
``ESMSNUM_CLOCK`` (ISO 8601 with offset, e.g. ``2024-05-20T10:00:00+04:00``); every deadline check then reads
that instant. Unset in production.
"""

from datetime import datetime

from django.conf import settings
from django.utils import timezone


def simulated() -> datetime | None:
    value = getattr(settings, "ESMSNUM_CLOCK", None)
    if not value:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if timezone.is_naive(moment):
        raise ValueError("ESMSNUM_CLOCK doit indiquer le décalage horaire (ex. 2024-05-20T10:00:00+04:00).")
    return moment


def now() -> datetime:
    return simulated() or timezone.now()
