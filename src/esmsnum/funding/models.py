"""Life after the decision (``funding-lifecycle.md``): the convention, the porteur's milestones and expense
statements, the ARS's payment and recovery orders, and its decisions on a withheld balance.

What is due and payable is never stored: it is computed by the domain schedule (``esmsnum.domain.schedule``) from
these records (``selectors.schedule_input``). Orders are numbered per paying ARS and per year; a tranche share is
ordered at most once (database constraint).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from esmsnum.core import clock

SHA256 = r"^[0-9a-f]{64}$"


def _path(instance, folder: str, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"financement/{instance.dossier_id}/{folder}/{uuid.uuid4().hex}.{extension}"


def convention_upload_to(instance, filename: str) -> str:
    return _path(instance, "convention", filename)


def milestone_upload_to(instance, filename: str) -> str:
    return _path(instance, "jalons", filename)


def statement_upload_to(instance, filename: str) -> str:
    return _path(instance, "depenses", filename)


class Convention(models.Model):
    """The financing convention between the ARS and the porteur: generated PDF, then the signed PDF and its date.

    The signature date starts the project. 2021-t2: signed more than a month after notification → ``late``
    (003 « Calendrier »). 2021-t1: the grappe convention between the OG comes first (000 §5)."""

    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.PROTECT, related_name="convention")
    generated_file = models.FileField("convention générée", upload_to=convention_upload_to, max_length=255)
    generated_sha256 = models.CharField("empreinte SHA-256 (générée)", max_length=64)
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    generated_at = models.DateTimeField("générée le", default=clock.now)
    grappe_convention_file = models.FileField(
        "convention de grappe", upload_to=convention_upload_to, max_length=255, blank=True
    )
    grappe_convention_sha256 = models.CharField(max_length=64, blank=True)
    grappe_convention_at = models.DateTimeField("convention de grappe déposée le", null=True, blank=True)
    signed_file = models.FileField("convention signée", upload_to=convention_upload_to, max_length=255, blank=True)
    signed_sha256 = models.CharField("empreinte SHA-256 (signée)", max_length=64, blank=True)
    signed_on = models.DateField("signée le", null=True, blank=True)
    signed_uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_uploaded_at = models.DateTimeField("convention signée déposée le", null=True, blank=True)
    late = models.BooleanField("signée plus d'un mois après la notification", default=False)

    class Meta:
        verbose_name = "convention de financement"
        verbose_name_plural = "conventions de financement"
        constraints = [
            models.CheckConstraint(condition=Q(generated_sha256__regex=SHA256), name="convention_generated_sha256"),
            models.CheckConstraint(
                condition=(Q(signed_on__isnull=True) & Q(signed_file="") & Q(signed_sha256=""))
                | (Q(signed_on__isnull=False) & ~Q(signed_file="") & Q(signed_sha256__regex=SHA256)),
                name="convention_signed_has_file_date_and_sha256",
            ),
            models.CheckConstraint(
                condition=Q(late=False) | Q(signed_on__isnull=False), name="convention_late_only_when_signed"
            ),
        ]

    def __str__(self) -> str:
        return f"Convention {self.dossier_id}" + (f" signée le {self.signed_on:%d/%m/%Y}" if self.signed_on else "")


class ReviewStatus(models.TextChoices):
    SUBMITTED = "submitted", "Déposé, à vérifier par l'ARS"
    ACCEPTED = "accepted", "Accepté par l'ARS"
    REJECTED = "rejected", "À reprendre (demandé par l'ARS)"


class MilestoneKind(models.TextChoices):
    CONFIGURATION = "configuration_completed", "Fin du paramétrage"
    PROJECT = "project_completed", "Fin du projet (fin du déploiement)"


class _Reviewed(models.Model):
    status = models.CharField("état", max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.SUBMITTED)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    declared_at = models.DateTimeField("déclaré le", default=clock.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField("vérifié le", null=True, blank=True)
    review_comment = models.TextField("observation de l'ARS", blank=True)

    class Meta:
        abstract = True


class Milestone(_Reviewed):
    """A milestone declared by the porteur with its proof (2021: the invoice), checked by the ARS.
    Only accepted milestones count in the schedule."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField("jalon", max_length=32, choices=MilestoneKind.choices)
    completed_on = models.DateField("date de fin")
    invoice_file = models.FileField("facture", upload_to=milestone_upload_to, max_length=255, blank=True)
    invoice_sha256 = models.CharField(max_length=64, blank=True)
    proof_file = models.FileField("justificatif", upload_to=milestone_upload_to, max_length=255, blank=True)
    comment = models.TextField("commentaire du porteur", blank=True)

    class Meta:
        verbose_name = "jalon déclaré"
        verbose_name_plural = "jalons déclarés"
        ordering = ["dossier", "completed_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=MilestoneKind.values), name="milestone_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=ReviewStatus.values), name="milestone_status_valid"),
            models.CheckConstraint(
                condition=~Q(status=ReviewStatus.REJECTED) | ~Q(review_comment=""),
                name="milestone_rejection_has_comment",
            ),
            models.CheckConstraint(
                condition=Q(invoice_file="") | Q(invoice_sha256__regex=SHA256), name="milestone_invoice_sha256"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} le {self.completed_on:%d/%m/%Y} ({self.get_status_display()})"


class ExpenseStatement(_Reviewed):
    """Statement of expenses certified by the public accountant or the auditor (002 §4.5.2), with the real expense
    of each line. It counts as certified in the schedule once the ARS accepts it."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="expense_statements")
    stated_on = models.DateField("date de l'état")
    certifier = models.CharField("visé par", max_length=120)
    file = models.FileField("état récapitulatif visé", upload_to=statement_upload_to, max_length=255)
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = "état récapitulatif des dépenses"
        verbose_name_plural = "états récapitulatifs des dépenses"
        ordering = ["dossier", "stated_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ReviewStatus.values), name="statement_status_valid"),
            models.CheckConstraint(
                condition=~Q(status=ReviewStatus.REJECTED) | ~Q(review_comment=""),
                name="statement_rejection_has_comment",
            ),
            models.CheckConstraint(condition=Q(sha256__regex=SHA256), name="statement_sha256"),
            models.CheckConstraint(condition=~Q(certifier=""), name="statement_has_certifier"),
        ]

    def __str__(self) -> str:
        return f"État des dépenses du {self.stated_on:%d/%m/%Y} ({self.get_status_display()})"


class ExpenseLine(models.Model):
    statement = models.ForeignKey(ExpenseStatement, on_delete=models.CASCADE, related_name="lines")
    code = models.CharField("ligne de financement", max_length=64)
    real_expense_eur = models.DecimalField("dépense réelle (€)", max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = "dépense réelle d'une ligne"
        ordering = ["statement", "code"]
        constraints = [
            models.UniqueConstraint(fields=["statement", "code"], name="expense_line_unique"),
            models.CheckConstraint(condition=Q(real_expense_eur__gte=0), name="expense_line_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.code} : {self.real_expense_eur} €"


class _Order(models.Model):
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("referential.Region", verbose_name="ARS", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("exercice")
    sequence = models.PositiveIntegerField("numéro d'ordre")
    number = models.CharField("numéro", max_length=32, unique=True)
    amount_eur = models.DecimalField("montant (€)", max_digits=14, decimal_places=2)
    issued_on = models.DateField("émis le")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        abstract = True


class PaymentOrder(_Order):
    """An order to pay one ARS's share of one tranche (``OP-2025-04-0001``: year, region, rank in the year).
    The platform orders; the accounting system pays (export)."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="payment_orders")
    tranche = models.CharField("tranche", max_length=32)
    released = models.BooleanField("part libérée d'un solde retenu", default=False)

    class Meta:
        verbose_name = "ordre de paiement"
        verbose_name_plural = "ordres de paiement"
        ordering = ["region", "year", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "tranche", "region"], name="payment_order_once_per_share"),
            models.UniqueConstraint(fields=["region", "year", "sequence"], name="payment_order_number_per_ars_year"),
            models.CheckConstraint(condition=Q(amount_eur__gt=0), name="payment_order_amount_gt_0"),
            models.CheckConstraint(condition=Q(number__startswith="OP-"), name="payment_order_number_prefix"),
        ]

    def __str__(self) -> str:
        return self.number


class RecoveryOrder(_Order):
    """An order to recover what was paid beyond what is finally due (``TR-2025-04-0001``), one per paying ARS."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="recovery_orders")
    reason = models.TextField("motif")

    class Meta:
        verbose_name = "ordre de recouvrement"
        verbose_name_plural = "ordres de recouvrement"
        ordering = ["region", "year", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "region"], name="recovery_order_once_per_ars"),
            models.UniqueConstraint(fields=["region", "year", "sequence"], name="recovery_order_number_per_ars_year"),
            models.CheckConstraint(condition=Q(amount_eur__gt=0), name="recovery_order_amount_gt_0"),
            models.CheckConstraint(condition=Q(number__startswith="TR-"), name="recovery_order_number_prefix"),
            models.CheckConstraint(condition=~Q(reason=""), name="recovery_order_has_reason"),
        ]

    def __str__(self) -> str:
        return self.number


class WithheldKind(models.TextChoices):
    EXTEND = "extend", "Prolonger le délai"
    RELEASE = "release", "Libérer au prorata des ESSMS atteignant les cibles"
    CLOSE = "close", "Clore sans le solde"


class WithheldDecision(models.Model):
    """The ARS's decision on a withheld last tranche, with its reason (a log: never edited, the latest counts)."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="withheld_decisions")
    tranche = models.CharField("tranche", max_length=32)
    kind = models.CharField("décision", max_length=8, choices=WithheldKind.choices)
    reason = models.TextField("motif")
    new_deadline = models.DateField("nouvelle échéance", null=True, blank=True)
    essms_meeting = models.PositiveIntegerField("ESSMS atteignant les cibles", null=True, blank=True)
    essms_total = models.PositiveIntegerField("ESSMS du projet", null=True, blank=True)
    released_eur = models.DecimalField("montant libéré (€)", max_digits=14, decimal_places=2, null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField("décidé le", default=clock.now)

    class Meta:
        verbose_name = "décision sur un solde retenu"
        verbose_name_plural = "décisions sur un solde retenu"
        ordering = ["dossier", "decided_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=WithheldKind.values), name="withheld_kind_valid"),
            models.CheckConstraint(condition=~Q(reason=""), name="withheld_has_reason"),
            models.CheckConstraint(
                condition=Q(kind=WithheldKind.EXTEND, new_deadline__isnull=False)
                | (~Q(kind=WithheldKind.EXTEND) & Q(new_deadline__isnull=True)),
                name="withheld_extend_has_new_deadline",
            ),
            models.CheckConstraint(
                condition=Q(
                    kind=WithheldKind.RELEASE,
                    released_eur__gte=0,
                    essms_meeting__isnull=False,
                    essms_total__gt=0,
                    essms_meeting__lte=models.F("essms_total"),
                )
                | (~Q(kind=WithheldKind.RELEASE) & Q(released_eur__isnull=True)),
                name="withheld_release_has_pro_rata",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.decided_at:%d/%m/%Y})"
