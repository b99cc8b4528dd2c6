"""The one error base of the services and the one ``require()`` helper.

Every service refusal is a :class:`ServiceError` (or a subclass) carrying a French message for the user;
``require(permission)`` raises it with the permission's reason when the permission is refused.
"""

from esmsnum.domain import workflow


class ServiceError(Exception):
    """A refused operation; the message (French) is shown to the user."""


class DossierError(ServiceError):
    """A refused operation on a dossier."""


TransitionRefused = workflow.TransitionRefused


def require(permission, error: type[Exception] = DossierError) -> None:
    """Raise ``error`` with the permission's reason when ``permission`` is refused."""
    if not permission:
        raise error(permission.reason)
