"""Model fields shared by the apps."""

from django.db import models

from . import clock


class ClockDateTimeField(models.DateTimeField):
    """A ``DateTimeField`` whose ``auto_now`` reads the platform clock (``ESMSNUM_CLOCK`` in the demo) instead of
    the real time, in the same INSERT or UPDATE as the row. A creation date is ``default=clock.now`` instead, which
    a creation may override (``auto_now_add`` would ignore the given value and call for a second UPDATE)."""

    def __init__(self, *args, **kwargs):
        if kwargs.get("auto_now_add"):
            raise TypeError("auto_now_add ignore la date donnée : utiliser default=clock.now, editable=False.")
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance, add):
        if self.auto_now:
            value = clock.now()
            setattr(model_instance, self.attname, value)
            return value
        return super().pre_save(model_instance, add)
