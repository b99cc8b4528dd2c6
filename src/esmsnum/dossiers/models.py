"""Funding applications (dossiers): the grappe, its ESSMS, the pieces, the workflow log, the audit and messages.

A dossier holds exactly what ``dossier-contract.md`` describes (see ``contract_mapping.dossier_to_contract``); the
engine's last evaluation is kept as a JSON snapshot with its verdict, guichet and total for lists and exports.
"""

import uuid

from django.conf import settings
from django.db import IntegrityError, models
from django.db.models import Q

from esmsnum.core import clock
from esmsnum.core.models import TimestampedModel
from esmsnum.domain import vocabulary, workflow
from esmsnum.security.scan import SERVED, ScanStatus

from .querysets import DossierQuerySet

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class Status(models.TextChoices):
    DRAFT = workflow.State.DRAFT, workflow.STATE_LABELS[workflow.State.DRAFT]
    FILED = workflow.State.FILED, workflow.STATE_LABELS[workflow.State.FILED]
    UNDER_INSTRUCTION = workflow.State.UNDER_INSTRUCTION, workflow.STATE_LABELS[workflow.State.UNDER_INSTRUCTION]
    MORE_INFO_REQUESTED = (
        workflow.State.MORE_INFO_REQUESTED,
        workflow.STATE_LABELS[workflow.State.MORE_INFO_REQUESTED],
    )
    IN_COMMITTEE = workflow.State.IN_COMMITTEE, workflow.STATE_LABELS[workflow.State.IN_COMMITTEE]
    DECIDED = workflow.State.DECIDED, workflow.STATE_LABELS[workflow.State.DECIDED]
    NOTIFIED = workflow.State.NOTIFIED, workflow.STATE_LABELS[workflow.State.NOTIFIED]


class ProjectType(models.TextChoices):
    ACQUISITION = "acquisition", vocabulary.PROJECT_TYPE_LABELS["acquisition"]
    UPGRADE = "upgrade", vocabulary.PROJECT_TYPE_LABELS["upgrade"]
    MIXED = "mixed", vocabulary.PROJECT_TYPE_LABELS["mixed"]
    DEPLOYMENT = "deployment", vocabulary.PROJECT_TYPE_LABELS["deployment"]


class Situation(models.TextChoices):
    ACQUISITION = "acquisition", vocabulary.SITUATION_LABELS["acquisition"]
    UPGRADE = "upgrade", vocabulary.SITUATION_LABELS["upgrade"]


class Hosting(models.TextChoices):
    SAAS = "saas", vocabulary.HOSTING_LABELS["saas"]
    ON_PREMISE = "on_premise", vocabulary.HOSTING_LABELS["on_premise"]


class SegurCorridor(models.TextChoices):
    MEDICO_SOCIAL = "medico-social", "Couloir médico-social (DUI)"
    HOSPITAL = "hopital", "Couloir hospitalier (DPI du GHT)"


class ServiceSocle(models.TextChoices):
    MSSANTE = "mssante", "Messagerie sécurisée de santé (MSSanté)"
    DMP = "dmp", "Dossier médical partagé (DMP / Mon espace santé)"
    E_PRESCRIPTION = "eprescription", "e-prescription"
    E_PARCOURS = "eparcours", "Plateforme e-parcours"


class PriorOperation(models.TextChoices):
    ACQUISITION = "acquisition", vocabulary.PRIOR_OPERATION_LABELS["acquisition"]
    UPGRADE = "upgrade", vocabulary.PRIOR_OPERATION_LABELS["upgrade"]
    OTHER = "other", vocabulary.PRIOR_OPERATION_LABELS["other"]


class Verdict(models.TextChoices):
    ELIGIBLE = "eligible", vocabulary.VERDICT_LABELS["eligible"]
    NEEDS_REVIEW = "needs_review", vocabulary.VERDICT_LABELS["needs_review"]
    INELIGIBLE = "ineligible", vocabulary.VERDICT_LABELS["ineligible"]


class Guichet(models.TextChoices):
    REGIONAL = "regional", "Régional"
    NATIONAL = "national", "National"


# Timestamps shown to users follow the platform clock (``clock.now``: real time, or the simulated instant of a
# demonstration) so that filing dates, logs and messages tell one consistent story.


class StatusChangeRefused(IntegrityError):
    """A save that would change a dossier's status outside the transition service (an invariant, like the DB
    constraints: hence an ``IntegrityError``)."""


class Dossier(TimestampedModel):
    campaign = models.CharField("campagne", max_length=64, db_index=True)
    region = models.ForeignKey(
        "referential.Region", verbose_name="ARS instructrice", on_delete=models.PROTECT, related_name="dossiers"
    )
    porteur = models.ForeignKey(
        "referential.Organisation",
        verbose_name="organisme porteur",
        on_delete=models.PROTECT,
        related_name="dossiers_porteur",
    )
    title = models.CharField("intitulé du projet", max_length=200)
    status = models.CharField("état", max_length=24, choices=Status.choices, default=Status.DRAFT, db_index=True)
    project_type = models.CharField("type de projet", max_length=16, choices=ProjectType.choices, blank=True)
    solution_name = models.CharField("logiciel DUI retenu", max_length=120, blank=True)
    solution_editor = models.CharField("éditeur", max_length=120, blank=True)
    solution_segur_referenced = models.BooleanField("référencé Ségur vague 1", default=False)
    solution_segur_corridor = models.CharField(
        "couloir de référencement Ségur", max_length=16, choices=SegurCorridor.choices, blank=True
    )
    solution_segur_referencing_in_progress = models.BooleanField("référencement Ségur en cours", default=False)
    solution_in_national_market = models.BooleanField("disponible au marché national (RESAH)", default=False)
    solution_market_derogation = models.BooleanField("dérogation au marché national demandée", default=False)
    services_socles = models.JSONField("services socles", default=list, blank=True)
    request_equipment = models.BooleanField("financement du matériel demandé", default=False)
    request_amoa_market = models.BooleanField("AMOA procédure de marché demandée", default=False)
    request_amoa_pilot = models.BooleanField("AMOA pilotage de projet demandée", default=False)
    amoa_quote_eur = models.DecimalField("devis AMOA (€)", max_digits=12, decimal_places=2, null=True, blank=True)
    joins_funded_grappe = models.BooleanField("rejoint une grappe déjà financée", default=False)
    other_european_funding = models.BooleanField(
        "autre financement européen (FEDER, FSE) pour le même objet", default=False
    )
    description = models.TextField("présentation du projet", blank=True)

    filed_at = models.DateTimeField("déposé le", null=True, blank=True)
    window = models.CharField("fenêtre de sélection", max_length=32, blank=True, db_index=True)

    evaluation = models.JSONField("dernière évaluation", null=True, blank=True)
    evaluated_at = models.DateTimeField("évalué le", null=True, blank=True)
    verdict = models.CharField("verdict", max_length=16, choices=Verdict.choices, blank=True)
    guichet = models.CharField("guichet", max_length=16, choices=Guichet.choices, blank=True, db_index=True)
    essms_count = models.PositiveIntegerField("nombre d'ESSMS", null=True, blank=True)
    total_amount_eur = models.DecimalField(
        "financement calculé (€)", max_digits=14, decimal_places=2, null=True, blank=True
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # the one-time token of the creation form: posting it twice gives the same dossier (idempotent creation)
    creation_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = "dossier"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="dossier_status_valid"),
            models.CheckConstraint(
                condition=Q(amoa_quote_eur__isnull=True) | Q(amoa_quote_eur__gte=0), name="dossier_amoa_quote_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(total_amount_eur__isnull=True) | Q(total_amount_eur__gte=0),
                name="dossier_total_amount_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(status=Status.DRAFT) | Q(filed_at__isnull=False), name="dossier_filed_has_filed_at"
            ),
        ]
        indexes = [models.Index(fields=["region", "campaign", "status"])]

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"

    # The status changes only through the transition service (``services.workflow.transition``: table, guards,
    # log), which saves with ``allow_status_change=True``; any other save that would change it is refused.

    def save(self, *args, allow_status_change: bool = False, **kwargs):
        update_fields = kwargs.get("update_fields")
        stored = getattr(self, "_stored_status", None)
        writes_status = update_fields is None or "status" in update_fields
        if (
            not self._state.adding
            and writes_status
            and stored is not None
            and self.status != stored
            and not allow_status_change
        ):
            raise StatusChangeRefused(
                f"L'état du dossier ({stored} → {self.status}) ne change que par une transition du circuit."
            )
        super().save(*args, **kwargs)
        self._stored_status = self.status

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_status = instance.__dict__.get("status")
        return instance

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        self._stored_status = self.__dict__.get("status")

    @property
    def reference(self) -> str:
        return f"EN-{self.pk:06d}" if self.pk else "EN-nouveau"

    @property
    def is_editable_state(self) -> bool:
        return self.status in workflow.EDITABLE_STATES

    def services_socles_labels(self) -> list[str]:
        labels = dict(ServiceSocle.choices)
        return [labels.get(code, code) for code in self.services_socles or []]

    def specific_requests_labels(self) -> list[str]:
        requests = [
            (self.request_equipment, "matériel"),
            (self.request_amoa_market, "AMOA procédure de marché"),
            (self.request_amoa_pilot, "AMOA pilotage de projet"),
        ]
        return [label for requested, label in requests if requested]

    def status_badge(self) -> str:
        """DSFR badge type for the status."""
        return {
            Status.DRAFT: "new",
            Status.FILED: "info",
            Status.UNDER_INSTRUCTION: "info",
            Status.MORE_INFO_REQUESTED: "warning",
            Status.IN_COMMITTEE: "info",
            Status.DECIDED: "success",
            Status.NOTIFIED: "success",
        }.get(self.status, "info")


class GrappeMember(models.Model):
    """An organisation (OG, FINESS EJ) of the grappe, with the fields of the contract's ``organisations``."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(
        "referential.Organisation", on_delete=models.PROTECT, related_name="grappe_memberships"
    )
    essms_managed = models.PositiveIntegerField(
        "nombre total d'ESSMS gérés par l'OG",
        null=True,
        blank=True,
        help_text="Tous les ESSMS de l'organisme, dans ou hors du projet (seuil des petits OG : moins de 15).",
    )
    national_entity = models.BooleanField("rattaché à une entité nationale", default=False)
    national_entity_consent = models.BooleanField("accord écrit de l'entité nationale", default=False)
    is_ght = models.BooleanField("groupement hospitalier de territoire (GHT)", default=False)
    maturity_self_assessment = models.BooleanField("autodiagnostic de maturité SI (ANAP) réalisé", default=False)
    added_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        verbose_name = "membre de la grappe"
        verbose_name_plural = "membres de la grappe"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "organisation"], name="grappe_member_unique_per_dossier"),
        ]

    def __str__(self) -> str:
        return str(self.organisation)

    @property
    def is_porteur(self) -> bool:
        return self.organisation_id == self.dossier.porteur_id


class DossierEstablishment(models.Model):
    """An ESSMS of the project (FINESS ET from the referential) and what the dossier declares for it."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="establishments")
    establishment = models.ForeignKey(
        "referential.Establishment", on_delete=models.PROTECT, related_name="dossier_entries"
    )
    situation = models.CharField("situation", max_length=16, choices=Situation.choices, blank=True)
    current_solution = models.CharField("logiciel actuel", max_length=120, blank=True)
    hosting = models.CharField("hébergement", max_length=16, choices=Hosting.choices, blank=True)
    hardware_quote_eur = models.DecimalField(
        "devis matériel (€)", max_digits=12, decimal_places=2, null=True, blank=True
    )
    saad_hours_total = models.DecimalField(
        "heures totales réalisées (N-1)", max_digits=10, decimal_places=2, null=True, blank=True
    )
    saad_hours_medico_social = models.DecimalField(
        "heures d'activité médico-sociale (N-1)", max_digits=10, decimal_places=2, null=True, blank=True
    )
    prior_funding = models.JSONField(
        "financements antérieurs du programme",
        default=list,
        blank=True,
        help_text='Liste de {"campaign", "solution", "operation"}.',
    )
    segur_prestation_ordered = models.BooleanField("prestation Ségur (SONS) commandée", default=False)
    added_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        verbose_name = "ESSMS du dossier"
        verbose_name_plural = "ESSMS du dossier"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "establishment"], name="dossier_establishment_unique"),
            models.CheckConstraint(
                condition=Q(hardware_quote_eur__isnull=True) | Q(hardware_quote_eur__gte=0),
                name="dossier_establishment_hardware_quote_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(saad_hours_total__isnull=True) | Q(saad_hours_total__gte=0),
                name="dossier_establishment_saad_total_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(saad_hours_medico_social__isnull=True) | Q(saad_hours_medico_social__gte=0),
                name="dossier_establishment_saad_ms_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(saad_hours_total__isnull=True)
                | Q(saad_hours_medico_social__isnull=True)
                | Q(saad_hours_medico_social__lte=models.F("saad_hours_total")),
                name="dossier_establishment_saad_ms_lte_total",
            ),
        ]

    def __str__(self) -> str:
        return str(self.establishment)


def document_upload_to(instance: "Document", filename: str) -> str:
    # The stored name never reuses the uploaded name (kept in original_name): no path tricks, no collisions.
    return f"dossiers/{instance.dossier_id}/{uuid.uuid4().hex}"


class Document(models.Model):
    """A piece uploaded for one of the campaign's required documents; stored under MEDIA_ROOT, served by a view."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    piece_code = models.CharField("pièce", max_length=64)
    file = models.FileField("fichier", upload_to=document_upload_to, max_length=255)
    original_name = models.CharField("nom du fichier", max_length=255)
    content_type = models.CharField("type détecté", max_length=120)
    size = models.PositiveBigIntegerField("taille (octets)")
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("déposé le", default=clock.now)
    scan_status = models.CharField(
        "analyse antivirus", max_length=16, choices=ScanStatus.choices, default=ScanStatus.PENDING
    )
    scan_detail = models.CharField("résultat de l'analyse", max_length=255, blank=True)

    class Meta:
        verbose_name = "pièce justificative"
        verbose_name_plural = "pièces justificatives"
        ordering = ["piece_code", "uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(size__gt=0) & Q(size__lte=MAX_UPLOAD_BYTES), name="document_size_within_limit"
            ),
            models.CheckConstraint(condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="document_sha256_hex"),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def servable(self) -> bool:
        return self.scan_status in SERVED


class TransitionLog(models.Model):
    """One applied workflow transition: who, when, from, to, with which comment."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField("action", max_length=32)
    from_status = models.CharField("de", max_length=24, choices=Status.choices)
    to_status = models.CharField("vers", max_length=24, choices=Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="par"
    )
    at = models.DateTimeField("le", default=clock.now)
    comment = models.TextField("commentaire", blank=True)

    class Meta:
        verbose_name = "transition"
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(from_status=models.F("to_status")), name="transition_changes_status"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.from_status} → {self.to_status}"


class MessageKind(models.TextChoices):
    REQUEST = "request", "Demande de compléments"
    REPLY = "reply", "Réponse du porteur"
    NOTE = "note", "Message"


class Message(models.Model):
    """The thread between the ARS and the porteur (requests for more information and answers)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField("nature", max_length=16, choices=MessageKind.choices, default=MessageKind.NOTE)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField("message")
    created_at = models.DateTimeField("envoyé le", default=clock.now)

    class Meta:
        verbose_name = "message"
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=MessageKind.values), name="message_kind_valid"),
            models.CheckConstraint(condition=~Q(body=""), name="message_body_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.created_at:%d/%m/%Y})"
