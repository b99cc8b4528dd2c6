"""Instruction and selection: scoring grid, scores, committee sessions, decisions and notification letters.

Amounts are Decimal euros. Changes to amounts and decisions are recorded in ``audit.AuditEntry``
(service ``esmsnum.audit.services.record_audit``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from esmsnum.core import clock
from esmsnum.core.fields import ClockDateTimeField

SCORE_MAX = 5


class DecisionGroup(models.TextChoices):
    A = "A", "A — proposé au financement"
    B = "B", "B — recevable, non proposé au financement"
    C = "C", "C — à retravailler"
    D = "D", "D — non recevable"


class ScoringWeight(models.Model):
    """Weight of one priority criterion of a campaign, as set by one region (ARS)."""

    region = models.ForeignKey("referential.Region", on_delete=models.PROTECT, related_name="scoring_weights")
    campaign = models.CharField("campagne", max_length=64)
    criterion_code = models.CharField("critère", max_length=64)
    weight = models.DecimalField("pondération", max_digits=6, decimal_places=2)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = ClockDateTimeField(auto_now=True)

    class Meta:
        verbose_name = "pondération d'un critère"
        verbose_name_plural = "pondérations des critères"
        ordering = ["region", "campaign", "criterion_code"]
        constraints = [
            models.UniqueConstraint(fields=["region", "campaign", "criterion_code"], name="scoring_weight_unique"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="scoring_weight_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.campaign} {self.criterion_code} × {self.weight}"


class Score(models.Model):
    """The instructor's mark (0 to SCORE_MAX) of a dossier on one priority criterion."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="scores")
    criterion_code = models.CharField("critère", max_length=64)
    value = models.PositiveSmallIntegerField("note")
    comment = models.TextField("justification", blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    scored_at = ClockDateTimeField(auto_now=True)

    class Meta:
        verbose_name = "note"
        ordering = ["dossier", "criterion_code"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "criterion_code"], name="score_unique_per_criterion"),
            models.CheckConstraint(condition=Q(value__gte=0) & Q(value__lte=SCORE_MAX), name="score_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.criterion_code} = {self.value}"


class CommitteeSession(models.Model):
    """A selection committee of one region for one window of a campaign, with the regional envelope."""

    region = models.ForeignKey("referential.Region", on_delete=models.PROTECT, related_name="committee_sessions")
    campaign = models.CharField("campagne", max_length=64)
    window_code = models.CharField("fenêtre de sélection", max_length=32)
    date = models.DateField("date du comité")
    envelope_eur = models.DecimalField("enveloppe régionale (€)", max_digits=14, decimal_places=2)
    closed = models.BooleanField("clos", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        verbose_name = "comité de sélection"
        verbose_name_plural = "comités de sélection"
        ordering = ["-date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "campaign", "window_code"], name="committee_session_unique"),
            models.CheckConstraint(condition=Q(envelope_eur__gte=0), name="committee_envelope_gte_0"),
        ]

    def __str__(self) -> str:
        return f"Comité {self.region_id} {self.campaign} {self.window_code} ({self.date:%d/%m/%Y})"


class CommitteeDecision(models.Model):
    """The committee's decision on one dossier: group A/B/C/D, amount granted, recommendation, override."""

    session = models.ForeignKey(CommitteeSession, on_delete=models.PROTECT, related_name="decisions")
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="decisions")
    group = models.CharField("groupe", max_length=1, choices=DecisionGroup.choices)
    amount_granted_eur = models.DecimalField("montant accordé (€)", max_digits=14, decimal_places=2, default=0)
    recommendation = models.TextField("recommandations ou points de vigilance", blank=True)
    override = models.BooleanField("dépassement de l'enveloppe autorisé", default=False)
    override_reason = models.TextField("motif du dépassement", blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    override_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(default=clock.now)
    version = models.PositiveIntegerField("version", default=1, editable=False)
    updated_at = ClockDateTimeField(auto_now=True)

    class Meta:
        verbose_name = "décision du comité"
        verbose_name_plural = "décisions du comité"
        ordering = ["session", "group", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "dossier"], name="committee_decision_unique_per_session"),
            models.CheckConstraint(condition=Q(group__in=DecisionGroup.values), name="committee_decision_group_a_d"),
            models.CheckConstraint(condition=Q(amount_granted_eur__gte=0), name="committee_decision_amount_gte_0"),
            models.CheckConstraint(
                condition=Q(group=DecisionGroup.A) | Q(amount_granted_eur=0),
                name="committee_decision_only_a_is_funded",
            ),
            models.CheckConstraint(
                condition=Q(override=False) | (~Q(override_reason="") & Q(override_by__isnull=False)),
                name="committee_decision_override_has_reason_and_author",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: groupe {self.group}"


def letter_upload_to(instance: "NotificationLetter", filename: str) -> str:
    return f"courriers/{instance.dossier_id}/{filename}"


class NotificationLetter(models.Model):
    """The generated decision letter (PDF under MEDIA_ROOT, served by a permission-checking view)."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="letters")
    decision = models.ForeignKey(CommitteeDecision, on_delete=models.PROTECT, related_name="letters")
    file = models.FileField("courrier", upload_to=letter_upload_to, max_length=255)
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    generated_at = models.DateTimeField(default=clock.now, editable=False)
    sent_at = models.DateTimeField("notifié le", null=True, blank=True)

    class Meta:
        verbose_name = "courrier de notification"
        verbose_name_plural = "courriers de notification"
        ordering = ["-generated_at", "-id"]

    def __str__(self) -> str:
        return f"Courrier {self.dossier_id} ({self.generated_at:%d/%m/%Y})"
