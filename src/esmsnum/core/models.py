"""Abstract models shared by the apps."""

from django.db import models

from . import clock


class TimestampedModel(models.Model):
    """``created_at`` and ``updated_at`` that follow the platform clock (``ESMSNUM_CLOCK`` in the demo), set in the
    same INSERT or UPDATE as the row: never a second UPDATE to patch a date. A creation may give its own
    ``created_at`` (the demo's history); ``updated_at`` is refreshed by every ``save``, also with ``update_fields``.
    """

    created_at = models.DateTimeField("créé le", default=clock.now, editable=False)
    updated_at = models.DateTimeField("modifié le", default=clock.now, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.updated_at = clock.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "updated_at"}
        super().save(*args, **kwargs)
