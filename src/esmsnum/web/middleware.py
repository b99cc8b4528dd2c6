"""Show times in the user's regional time zone (ARS, GRADeS, or the porteur's organisation)."""

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


class AgentSessionMiddleware:
    """Agents' sessions end after a shorter inactivity (``AGENT_SESSION_IDLE_SECONDS``) than porteurs'."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and (user.role in AGENT_ROLES or user.is_superuser):
            request.session.set_expiry(settings.AGENT_SESSION_IDLE_SECONDS)
        return self.get_response(request)
