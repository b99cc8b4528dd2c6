"""One model: a change to an amount or a decision (generic: dossier, decision, committee session…)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from esmsnum.core import clock


class AuditEntry(models.Model):
    """A change to an amount or a decision: which object, which field, old and new values, who, when, why.

    Generic (content type + object id) so that every app records its decisions and amounts here;
    ``dossier`` is set whenever the change concerns a dossier, for the dossier's history. The table keeps its first
    name (``dossiers_auditentry``): the model moved from the dossiers app without touching the data.
    """

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, null=True, blank=True, related_name="audit"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64)
    subject = GenericForeignKey("content_type", "object_id")
    field = models.CharField("donnée", max_length=64)
    old_value = models.JSONField("ancienne valeur", null=True, blank=True)
    new_value = models.JSONField("nouvelle valeur", null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="par"
    )
    at = models.DateTimeField("le", default=clock.now)
    comment = models.TextField("motif", blank=True)

    class Meta:
        db_table = "dossiers_auditentry"
        verbose_name = "entrée d'historique"
        verbose_name_plural = "historique des montants et décisions"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.field}: {self.old_value} → {self.new_value}"
