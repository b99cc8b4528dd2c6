from django.apps import AppConfig


def _session_idle_from_login(sender, request, user, **kwargs):
    """A new session ends after the person's inactivity limit (agents: shorter)."""
    from .middleware import refresh_idle_expiry

    if request is not None and hasattr(request, "session"):
        refresh_idle_expiry(request.session, user)


class WebConfig(AppConfig):
    name = "esmsnum.web"
    label = "web"
    verbose_name = "Interface web"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(_session_idle_from_login, dispatch_uid="esmsnum-session-idle")
