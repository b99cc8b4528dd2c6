"""Show times in the user's regional time zone (ARS, GRADeS, or the porteur's organisation)."""

import time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


def user_timezone_name(user) -> str | None:
    """The IANA time zone of the region a user works in, or None (national office, administrators)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if user.region_id:
        return user.region.timezone
    organisation = user.organisation
    if organisation is not None and organisation.department_id:
        return organisation.department.region.timezone
    return None


class UserTimezoneMiddleware:
    """Activate the user's regional time zone so that every datetime shown is local (La Réunion = UTC+4…)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = user_timezone_name(request.user)
        if name:
            timezone.activate(ZoneInfo(name))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


AGENT_ROLES = {"instructor", "grades", "national", "admin"}
_REFRESHED = "_idle_refreshed_at"


def idle_seconds(user) -> int:
    """How long a session of this person lasts without activity (agents: shorter)."""
    if user.role in AGENT_ROLES or user.is_superuser:
        return settings.AGENT_SESSION_IDLE_SECONDS
    return settings.SESSION_COOKIE_AGE


def refresh_idle_expiry(session, user) -> None:
    session[_REFRESHED] = int(time.time())
    session.set_expiry(idle_seconds(user))


class IdleSessionMiddleware:
    """Sessions end after inactivity: each request pushes the end back, at most every SESSION_REFRESH_SECONDS (a
    page view within that time writes nothing). The login sets the first end (``web.apps``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            refreshed = request.session.get(_REFRESHED, 0)
            if time.time() - refreshed >= settings.SESSION_REFRESH_SECONDS:
                refresh_idle_expiry(request.session, user)
        return self.get_response(request)
