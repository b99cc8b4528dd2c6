"""DUI usage: activity extracts uploaded for a dossier, the indicators computed from them per ESSMS and measurement
date (with the extract's SHA-256 as proof), and the editors' declarations shown beside them.

Files are stored under MEDIA_ROOT (outside the web root: MEDIA_URL is None) and served by a view that checks the
permission.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from esmsnum.core import clock
from esmsnum.domain.indicators.rates import COUNTS, RATES

# The indicator names come from the domain definition; the model stores one column for each.
COUNT_FIELDS = COUNTS
RATE_FIELDS = tuple(RATES)
SHA256 = r"^[0-9a-f]{64}$"


def extract_upload_to(instance: "UsageExtract", filename: str) -> str:
    return f"usage/{instance.dossier_id}/extraits/{uuid.uuid4().hex}.zip"


def declaration_upload_to(instance: "EditorDeclaration", filename: str) -> str:
    return f"usage/{instance.dossier_id}/declarations/{uuid.uuid4().hex}.csv"


class UsageExtract(models.Model):
    """A DUI activity extract (zip of the three tables) uploaded for a dossier and a measurement date."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="usage_extracts")
    measured_at = models.DateField("date de mesure")
    window_start = models.DateField("début de la période de recueil")
    window_end = models.DateField("fin de la période de recueil")
    file = models.FileField("fichier", upload_to=extract_upload_to, max_length=255)
    original_name = models.CharField("nom du fichier", max_length=255)
    size = models.PositiveBigIntegerField("taille (octets)")
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    file_format = models.CharField("format des tables", max_length=16)
    targets = models.JSONField("cibles appliquées", default=dict, blank=True)
    skipped_rows = models.PositiveBigIntegerField("lignes invalides écartées", default=0)
    bad_row_counts = models.JSONField("lignes écartées par motif", default=list, blank=True)
    foreign_essms = models.JSONField(
        "ESSMS hors du dossier (ignorés)", default=list, blank=True, help_text="Liste de {finess_et, active}."
    )
    missing_essms = models.JSONField("ESSMS du dossier absents de l'extraction", default=list, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("déposée le", default=clock.now)

    class Meta:
        verbose_name = "extraction d'activité DUI"
        verbose_name_plural = "extractions d'activité DUI"
        ordering = ["-measured_at", "-uploaded_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="usage_extract_size_gt_0"),
            models.CheckConstraint(condition=Q(sha256__regex=SHA256), name="usage_extract_sha256_hex"),
            models.CheckConstraint(condition=Q(window_start__lte=F("window_end")), name="usage_extract_window"),
            models.CheckConstraint(condition=Q(window_end__lt=F("measured_at")), name="usage_extract_window_before"),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.measured_at:%d/%m/%Y})"


class Measurement(models.Model):
    """The indicators of one ESSMS of a dossier at one measurement date, computed from an extract.

    One per dossier, ESSMS and date: a new extract for the same date replaces the figures (the earlier extracts
    stay, with their checksum). ``source_sha256`` is the checksum of the extract the figures come from.
    """

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="usage_measurements")
    establishment = models.ForeignKey(
        "referential.Establishment", on_delete=models.PROTECT, related_name="usage_measurements"
    )
    measured_at = models.DateField("date de mesure", db_index=True)
    extract = models.ForeignKey(UsageExtract, on_delete=models.PROTECT, related_name="measurements")
    source_sha256 = models.CharField("empreinte SHA-256 de l'extraction", max_length=64)

    accompanied = models.PositiveIntegerField("personnes accompagnées")
    active = models.PositiveIntegerField("dossiers actifs")
    active_with_pp = models.PositiveIntegerField("dossiers actifs avec projet personnalisé")
    active_with_agenda = models.PositiveIntegerField("dossiers actifs avec événement d'agenda")
    dmp_fed = models.PositiveIntegerField("DMP alimentés")
    mss_messages = models.PositiveIntegerField("messages MSSanté")
    eprescription_imports = models.PositiveIntegerField("imports d'e-prescription")
    eparcours_exchanges = models.PositiveIntegerField("échanges e-parcours")

    active_rate = models.DecimalField("taux de dossiers actifs", max_digits=8, decimal_places=1, null=True)
    pp_rate = models.DecimalField("taux avec projet personnalisé", max_digits=8, decimal_places=1, null=True)
    agenda_rate = models.DecimalField("taux avec agenda", max_digits=8, decimal_places=1, null=True)
    mss_rate = models.DecimalField("taux MSSanté", max_digits=8, decimal_places=1, null=True)
    dmp_rate = models.DecimalField("taux DMP", max_digits=8, decimal_places=1, null=True)
    targets_met = models.BooleanField("cibles atteintes")

    class Meta:
        verbose_name = "mesure d'usage"
        verbose_name_plural = "mesures d'usage"
        ordering = ["measured_at", "establishment__finess_et"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "establishment", "measured_at"], name="usage_measurement_unique"
            ),
            models.CheckConstraint(condition=Q(source_sha256__regex=SHA256), name="usage_measurement_sha256_hex"),
            models.CheckConstraint(condition=Q(active__lte=F("accompanied")), name="usage_active_lte_accompanied"),
            models.CheckConstraint(condition=Q(active_with_pp__lte=F("active")), name="usage_pp_lte_active"),
            models.CheckConstraint(condition=Q(active_with_agenda__lte=F("active")), name="usage_agenda_lte_active"),
            models.CheckConstraint(condition=Q(dmp_fed__lte=F("accompanied")), name="usage_dmp_lte_accompanied"),
            models.CheckConstraint(
                condition=Q(accompanied=0, active_rate__isnull=True) | Q(accompanied__gt=0, active_rate__isnull=False),
                name="usage_active_rate_empty_iff_nobody",
            ),
        ]
        indexes = [models.Index(fields=["establishment", "measured_at"])]

    def __str__(self) -> str:
        return f"{self.establishment_id} au {self.measured_at:%d/%m/%Y}"

    def counts(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in COUNT_FIELDS}

    def rates(self) -> dict:
        return {name: getattr(self, name) for name in RATE_FIELDS}


class EditorDeclaration(models.Model):
    """An editor's monthly declaration (CSV with the counts per ESSMS) for a dossier and a measurement date."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="usage_declarations")
    measured_at = models.DateField("date de mesure")
    editor = models.CharField("éditeur", max_length=120, blank=True)
    file = models.FileField("fichier", upload_to=declaration_upload_to, max_length=255)
    original_name = models.CharField("nom du fichier", max_length=255)
    size = models.PositiveBigIntegerField("taille (octets)")
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    foreign_essms = models.JSONField("ESSMS hors du dossier (ignorés)", default=list, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("déposée le", default=clock.now)

    class Meta:
        verbose_name = "déclaration d'usage de l'éditeur"
        verbose_name_plural = "déclarations d'usage des éditeurs"
        ordering = ["-measured_at", "-uploaded_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="usage_declaration_size_gt_0"),
            models.CheckConstraint(condition=Q(sha256__regex=SHA256), name="usage_declaration_sha256_hex"),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.measured_at:%d/%m/%Y})"


class DeclaredFigures(models.Model):
    """The counts an editor declared for one ESSMS (an empty count was not declared)."""

    declaration = models.ForeignKey(EditorDeclaration, on_delete=models.CASCADE, related_name="figures")
    establishment = models.ForeignKey("referential.Establishment", on_delete=models.PROTECT, related_name="+")
    accompanied = models.PositiveIntegerField("personnes accompagnées")
    active = models.PositiveIntegerField("dossiers actifs")
    active_with_pp = models.PositiveIntegerField(null=True, blank=True)
    active_with_agenda = models.PositiveIntegerField(null=True, blank=True)
    dmp_fed = models.PositiveIntegerField(null=True, blank=True)
    mss_messages = models.PositiveIntegerField(null=True, blank=True)
    eprescription_imports = models.PositiveIntegerField(null=True, blank=True)
    eparcours_exchanges = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "chiffres déclarés"
        verbose_name_plural = "chiffres déclarés"
        ordering = ["establishment__finess_et"]
        constraints = [
            models.UniqueConstraint(fields=["declaration", "establishment"], name="usage_declared_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.establishment_id} ({self.declaration_id})"

    def counts(self) -> dict[str, int | None]:
        return {name: getattr(self, name) for name in COUNT_FIELDS}
