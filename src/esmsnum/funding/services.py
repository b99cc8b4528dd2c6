"""Writes after the decision, each atomic and checked against its permission and the domain schedule.

Payment orders are issued only for a payable share of a tranche (or the released part of a withheld balance), at
most once per tranche and ARS (database constraint ``payment_order_once_per_share``); numbers run per paying ARS and
per year (``OP-2025-04-0001``), allocated under a lock on the region's row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max

from esmsnum.audit.services import record_audit
from esmsnum.core import clock
from esmsnum.domain.money import cents
from esmsnum.domain.schedule.compute import region_split
from esmsnum.domain.schedule.rules import abandonment_recovery, late_signature, release_pro_rata
from esmsnum.dossiers.errors import ServiceError, require
from esmsnum.dossiers.models import Dossier, Message, MessageKind
from esmsnum.dossiers.uploads import PDF, UploadRejected, check_upload
from esmsnum.referential.models import Region

from . import permissions, selectors
from .convention import render_convention_pdf
from .models import (
    Convention,
    ExpenseLine,
    ExpenseStatement,
    Milestone,
    MilestoneKind,
    PaymentOrder,
    RecoveryOrder,
    ReviewStatus,
    WithheldDecision,
    WithheldKind,
)


class FundingError(ServiceError):
    """A refused write after the decision; the message (French) says why."""


def _funded(dossier: Dossier):
    try:
        selectors.funded_decisions(dossier)
        return selectors.campaign_of(dossier)
    except selectors.NotFunded as exc:
        raise FundingError(str(exc)) from None


def _checked(upload, *, pdf_only: bool = False):
    if upload is None:
        return None
    try:
        checked = check_upload(upload, getattr(upload, "name", "piece"), getattr(upload, "size", None))
    except UploadRejected as exc:
        raise FundingError(str(exc)) from None
    if pdf_only and checked.kind is not PDF:
        raise FundingError("Le document doit être un PDF.")
    return checked


def _post(dossier: Dossier, by, body: str, kind: str = MessageKind.NOTE) -> None:
    """A line in the dossier's thread, so that the porteur and the ARS see what happened."""
    Message.objects.create(dossier=dossier, kind=kind, author=by, body=body)


# --- convention ---------------------------------------------------------------------------------------------------


@transaction.atomic
def generate_convention(dossier: Dossier, *, by) -> Convention:
    """Generate (or regenerate, while unsigned) the convention PDF from the decision."""
    require(permissions.can_manage_funding(by, dossier), FundingError)
    _funded(dossier)
    convention = Convention.objects.select_for_update().filter(dossier=dossier).first()
    if convention is not None and convention.signed_on:
        raise FundingError("La convention est signée : elle ne peut plus être régénérée.")
    pdf = render_convention_pdf(dossier)
    digest = hashlib.sha256(pdf).hexdigest()
    if convention is None:
        convention = Convention(dossier=dossier, generated_by=by, generated_sha256=digest)
    else:
        convention.generated_by, convention.generated_sha256 = by, digest
    convention.generated_file.save(f"convention-{dossier.reference}.pdf", ContentFile(pdf), save=False)
    convention.save()
    record_audit(convention, "generated_sha256", None, digest, by=by, dossier=dossier, comment="Convention générée")
    return convention


@transaction.atomic
def upload_grappe_convention(dossier: Dossier, *, by, upload) -> Convention:
    """2021-t1: the convention between the OG of the grappe (000 §5), before the ARS–porteur convention is signed."""
    require(permissions.can_declare(by, dossier), FundingError)
    _funded(dossier)
    convention = Convention.objects.select_for_update().filter(dossier=dossier).first()
    if convention is None:
        raise FundingError("L'ARS n'a pas encore préparé la convention de financement.")
    if convention.signed_on:
        raise FundingError("La convention de financement est déjà signée.")
    checked = _checked(upload, pdf_only=True)
    convention.grappe_convention_file.save(checked.name, upload, save=False)
    convention.grappe_convention_sha256 = checked.sha256
    convention.grappe_convention_at = clock.now()
    convention.save()
    _post(dossier, by, "Convention de grappe entre les organismes gestionnaires déposée.")
    return convention


def grappe_convention_needed(dossier: Dossier, campaign) -> bool:
    """2021-t1 (000 §5) when the grappe gathers several OG (a single OG has no grappe convention)."""
    return campaign.id == "amorcage-2021-t1" and dossier.members.count() > 1


@transaction.atomic
def record_signed_convention(dossier: Dossier, *, by, upload, signed_on: dt.date) -> Convention:
    """The signed convention (PDF) and its date: the project starts. 2021-t2 signed late → flagged."""
    require(permissions.can_manage_funding(by, dossier), FundingError)
    campaign = _funded(dossier)
    convention = Convention.objects.select_for_update().filter(dossier=dossier).first()
    if convention is None:
        raise FundingError("Générez d'abord la convention.")
    if convention.signed_on:
        raise FundingError("La convention signée est déjà enregistrée.")
    if grappe_convention_needed(dossier, campaign) and not convention.grappe_convention_file:
        raise FundingError(
            "La convention de grappe entre les organismes gestionnaires doit être déposée avant la signature "
            "de la convention de financement (000 §5)."
        )
    notified = selectors.notified_on(dossier)
    if signed_on > selectors.today(dossier):
        raise FundingError("La date de signature est dans le futur.")
    if notified and signed_on < notified:
        raise FundingError(f"La date de signature précède la notification de la décision ({notified:%d/%m/%Y}).")
    checked = _checked(upload, pdf_only=True)
    convention.signed_file.save(checked.name, upload, save=False)
    convention.signed_sha256 = checked.sha256
    convention.signed_on = signed_on
    convention.signed_uploaded_by = by
    convention.signed_uploaded_at = clock.now()
    convention.late = campaign.id == "amorcage-2021-t2" and notified is not None and late_signature(notified, signed_on)
    convention.save()
    record_audit(
        convention, "signed_on", None, signed_on.isoformat(), by=by, dossier=dossier, comment="Convention signée"
    )
    note = f"Convention de financement signée le {signed_on:%d/%m/%Y}."
    if convention.late:
        note += " Signée plus d'un mois après la notification (003 « Calendrier »)."
    _post(dossier, by, note)
    return convention


# --- milestones and expense statements ----------------------------------------------------------------------------


@transaction.atomic
def declare_milestone(
    dossier: Dossier, *, by, kind: str, completed_on: dt.date, invoice=None, proof=None, comment=""
) -> Milestone:
    """The porteur declares the end of configuration or of the project; 2021: with its invoice (003)."""
    require(permissions.can_declare(by, dossier), FundingError)
    campaign = _funded(dossier)
    if kind not in MilestoneKind.values:
        raise FundingError("Jalon inconnu.")
    if kind == MilestoneKind.CONFIGURATION and len(campaign.tranches) < 3:
        raise FundingError("La fin du paramétrage ne conditionne aucune tranche de cette campagne.")
    convention = Convention.objects.filter(dossier=dossier, signed_on__isnull=False).first()
    if convention is None:
        raise FundingError("La convention de financement n'est pas encore signée.")
    if completed_on < convention.signed_on:
        raise FundingError(f"La date de fin précède la signature de la convention ({convention.signed_on:%d/%m/%Y}).")
    if completed_on > selectors.today(dossier):
        raise FundingError("La date de fin est dans le futur.")
    if campaign.phase != "generalisation" and invoice is None:
        raise FundingError("Joignez la facture correspondante (003 « Modalités de financement »).")
    milestone = Milestone(dossier=dossier, kind=kind, completed_on=completed_on, declared_by=by, comment=comment)
    checked = _checked(invoice)
    if checked:
        milestone.invoice_file.save(checked.name, invoice, save=False)
        milestone.invoice_sha256 = checked.sha256
    checked_proof = _checked(proof)
    if checked_proof:
        milestone.proof_file.save(checked_proof.name, proof, save=False)
    milestone.save()
    _post(dossier, by, f"{milestone.get_kind_display()} déclarée au {completed_on:%d/%m/%Y}.", MessageKind.REPLY)
    return milestone


@transaction.atomic
def submit_expense_statement(
    dossier: Dossier, *, by, stated_on: dt.date, certifier: str, upload, lines: dict[str, Decimal]
) -> ExpenseStatement:
    """2024: the statement of expenses certified by the public accountant or the auditor (002 §4.5.2)."""
    require(permissions.can_declare(by, dossier), FundingError)
    campaign = _funded(dossier)
    if campaign.phase != "generalisation":
        raise FundingError("Les campagnes de 2021 ne demandent pas d'état récapitulatif des dépenses.")
    granted = selectors.granted_lines(dossier, campaign)
    capped = {line.code for line in campaign.funding_lines if line.quote_cap} & set(granted)
    unknown = sorted(set(lines) - set(granted))
    if unknown:
        raise FundingError(f"Lignes non accordées : {', '.join(unknown)}.")
    missing = sorted(capped - set(lines))
    if missing:
        raise FundingError(f"Indiquez la dépense réelle des lignes plafonnées : {', '.join(missing)}.")
    if not (certifier or "").strip():
        raise FundingError("Indiquez qui a visé l'état (comptable public ou commissaire aux comptes).")
    expenses = {}
    for code, amount in lines.items():
        amount = Decimal(str(amount))
        if amount < 0 or amount != cents(amount):
            raise FundingError(f"Dépense réelle de la ligne {code} : un montant positif en euros (2 décimales).")
        expenses[code] = amount
    checked = _checked(upload)
    statement = ExpenseStatement(
        dossier=dossier, stated_on=stated_on, certifier=certifier.strip(), declared_by=by, sha256=checked.sha256
    )
    statement.file.save(checked.name, upload, save=False)
    statement.save()
    ExpenseLine.objects.bulk_create(
        ExpenseLine(statement=statement, code=code, real_expense_eur=amount) for code, amount in expenses.items()
    )
    _post(dossier, by, f"État récapitulatif des dépenses du {stated_on:%d/%m/%Y} déposé.", MessageKind.REPLY)
    return statement


@transaction.atomic
def review(item: Milestone | ExpenseStatement, *, by, accept: bool, comment: str = "") -> None:
    """The ARS accepts the porteur's proof or asks for it again (reason required), in the dossier's thread."""
    dossier = item.dossier
    require(permissions.can_manage_funding(by, dossier), FundingError)
    item = type(item).objects.select_for_update().get(pk=item.pk)
    if item.status != ReviewStatus.SUBMITTED:
        raise FundingError("Ce justificatif a déjà été vérifié.")
    comment = (comment or "").strip()
    if not accept and not comment:
        raise FundingError("Dites au porteur ce qu'il doit reprendre.")
    item.status = ReviewStatus.ACCEPTED if accept else ReviewStatus.REJECTED
    item.reviewed_by, item.reviewed_at, item.review_comment = by, clock.now(), comment
    item.save()
    record_audit(item, "status", ReviewStatus.SUBMITTED, item.status, by=by, dossier=dossier, comment=comment)
    verdict = "accepté" if accept else "à reprendre"
    _post(
        dossier,
        by,
        f"{item} — {verdict}." + (f" {comment}" if comment else ""),
        MessageKind.NOTE if accept else MessageKind.REQUEST,
    )


# --- orders -------------------------------------------------------------------------------------------------------


def _next(model, region_code: str, year: int) -> int:
    Region.objects.select_for_update().get(pk=region_code)  # one numbering at a time per ARS
    last = model.objects.filter(region_id=region_code, year=year).aggregate(last=Max("sequence"))["last"]
    return (last or 0) + 1


def issue_payment_order(dossier: Dossier, *, by, tranche: str, region: str, at: dt.datetime | None = None):
    """Order one ARS's share of one tranche when the schedule says it is payable (or released after a withheld
    balance); never twice for the same share."""
    _funded(dossier)
    counts = selectors.region_counts(dossier)
    require(permissions.can_order_share(by, dossier, region, set(counts)), FundingError)
    issued_on = selectors.today(dossier, at)
    try:
        with transaction.atomic():
            Dossier.objects.select_for_update().get(pk=dossier.pk)
            schedule = selectors.project_schedule(dossier, issued_on)
            try:
                line = schedule.tranche(tranche)
            except StopIteration:
                raise FundingError(f"Tranche inconnue : {tranche}.") from None
            part = next((p for p in line.by_region if p.region == region), None)
            if part is None:
                raise FundingError(f"La région {region} ne finance pas cette tranche.")
            if part.paid:
                raise FundingError("Cette part de la tranche a déjà fait l'objet d'un ordre de paiement.")
            amount, released = part.amount_eur, False
            if line.status == "withheld":
                decision = WithheldDecision.objects.filter(dossier=dossier, tranche=tranche).order_by("-id").first()
                if decision is None or decision.kind != WithheldKind.RELEASE:
                    raise FundingError("Le solde est retenu : l'ARS doit d'abord décider d'en libérer une partie.")
                shares = dict(region_split(decision.released_eur, dossier.region_id, counts))
                amount, released = shares.get(region, Decimal(0)), True
            elif line.status != "payable":
                missing = " ; ".join(line.missing) or "conditions non remplies"
                raise FundingError(f"La tranche « {line.label} » n'est pas encore à verser : {missing}.")
            if amount <= 0:
                raise FundingError("Le montant de cette part est nul : pas d'ordre de paiement.")
            sequence = _next(PaymentOrder, region, issued_on.year)
            order = PaymentOrder.objects.create(
                dossier=dossier,
                tranche=tranche,
                region_id=region,
                year=issued_on.year,
                sequence=sequence,
                number=f"OP-{issued_on.year}-{region}-{sequence:04d}",
                amount_eur=amount,
                released=released,
                issued_on=issued_on,
                issued_by=by,
            )
            record_audit(order, "amount_eur", None, amount, by=by, dossier=dossier, comment=f"Ordre {order.number}")
    except IntegrityError:
        raise FundingError("Cette part de la tranche a déjà fait l'objet d'un ordre de paiement.") from None
    return order


def issue_recovery_orders(
    dossier: Dossier, *, by, reason: str, at: dt.datetime | None = None, abandoned: bool = False
) -> list[RecoveryOrder]:
    """Recover what was paid beyond the final grant (002 §4.4.1), each paying ARS its share. ``abandoned``: the
    project stops after the advance, the paid amount minus the certified real expenses is recovered."""
    require(permissions.can_manage_funding(by, dossier), FundingError)
    _funded(dossier)
    reason = (reason or "").strip()
    if not reason:
        raise FundingError("Indiquez le motif du recouvrement.")
    issued_on = selectors.today(dossier, at)
    orders = []
    try:
        with transaction.atomic():
            Dossier.objects.select_for_update().get(pk=dossier.pk)
            schedule = selectors.project_schedule(dossier, issued_on)
            due = schedule.recovery_eur
            if abandoned:
                due = abandonment_recovery(schedule.paid_eur, selectors.certified_expenses(dossier))
            if due <= 0:
                raise FundingError("Rien à recouvrer : le montant versé ne dépasse pas le montant finalement dû.")
            if RecoveryOrder.objects.filter(dossier=dossier).exists():
                raise FundingError("Les ordres de recouvrement de ce dossier sont déjà émis.")
            for region, amount in region_split(due, dossier.region_id, selectors.region_counts(dossier)):
                if amount <= 0:
                    continue
                sequence = _next(RecoveryOrder, region, issued_on.year)
                order = RecoveryOrder.objects.create(
                    dossier=dossier,
                    region_id=region,
                    year=issued_on.year,
                    sequence=sequence,
                    number=f"TR-{issued_on.year}-{region}-{sequence:04d}",
                    amount_eur=amount,
                    reason=reason,
                    issued_on=issued_on,
                    issued_by=by,
                )
                record_audit(order, "amount_eur", None, amount, by=by, dossier=dossier, comment=reason)
                orders.append(order)
    except IntegrityError:
        raise FundingError("Les ordres de recouvrement de ce dossier sont déjà émis.") from None
    return orders


@transaction.atomic
def decide_withheld(
    dossier: Dossier, *, by, kind: str, reason: str, new_deadline: dt.date | None = None, at=None
) -> WithheldDecision:
    """The ARS's decision on a withheld balance, with its reason: extend (new date), release pro rata of the ESSMS
    meeting their targets, or close without it (``funding-lifecycle.md``)."""
    require(permissions.can_manage_funding(by, dossier), FundingError)
    campaign = _funded(dossier)
    reason = (reason or "").strip()
    if not reason:
        raise FundingError("Indiquez le motif de la décision.")
    if kind not in WithheldKind.values:
        raise FundingError("Décision inconnue.")
    on = selectors.today(dossier, at)
    last = selectors.project_schedule(dossier, on).tranches[-1]
    if last.status != "withheld":
        raise FundingError("La dernière tranche n'est pas retenue : rien à décider.")
    fields: dict = {}
    if kind == WithheldKind.EXTEND:
        if new_deadline is None or new_deadline <= on:
            raise FundingError("Donnez une nouvelle échéance, postérieure à aujourd'hui.")
        fields["new_deadline"] = new_deadline
    elif kind == WithheldKind.RELEASE:
        meeting, total, _day = selectors.essms_meeting_targets(dossier)
        if total == 0:
            raise FundingError("Le projet ne compte aucun ESSMS.")
        fields.update(
            essms_meeting=meeting, essms_total=total, released_eur=release_pro_rata(last.amount_eur, meeting, total)
        )
    decision = WithheldDecision.objects.create(
        dossier=dossier, tranche=campaign.tranches[-1].code, kind=kind, reason=reason, decided_by=by, **fields
    )
    record_audit(decision, "kind", None, kind, by=by, dossier=dossier, comment=reason)
    _post(dossier, by, f"Solde retenu — {decision.get_kind_display()} : {reason}")
    return decision
