"""Writes of the instruction journey: weights, scores, requests for information, committee, decisions, letters.

Every function checks its permission and raises :class:`InstructionError` (French message) when refused; workflow
changes go through ``esmsnum.dossiers.services.transition`` (table + log); every change to an amount, a decision,
a weight or a mark is recorded in the audit history (``record_audit``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.db import transaction

from esmsnum.audit.services import record_audit
from esmsnum.core.clock import now
from esmsnum.domain import selection, workflow
from esmsnum.domain.reference import ars_seat
from esmsnum.dossiers import services as dossier_services
from esmsnum.dossiers.errors import ServiceError, require
from esmsnum.dossiers.models import Dossier, Status

from . import letters, permissions, selectors
from .models import CommitteeDecision, CommitteeSession, NotificationLetter, Score, ScoringWeight


class InstructionError(ServiceError):
    """A refused operation; the message (French) is shown to the user."""


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _transition(dossier: Dossier, action: str, by, comment: str = "", at: dt.datetime | None = None) -> None:
    try:
        dossier_services.transition(dossier, action, by, comment, at=at)
    except workflow.TransitionRefused as exc:
        raise InstructionError(str(exc)) from exc


# --- weights and scores -------------------------------------------------------------------------------------------


@transaction.atomic
def set_weights(*, by, region, campaign_id: str, weights: dict[str, Decimal]) -> None:
    """Set the weights of the campaign's priority criteria for ``region`` (0 to 10; 0 disables a criterion)."""
    require(permissions.can_manage_weights(by, region.code), InstructionError)
    criteria = {c.code for c in selectors.criteria_for(campaign_id)}
    if not criteria:
        raise InstructionError(f"La campagne « {campaign_id} » n'a pas de critères de priorisation.")
    unknown = set(weights) - criteria
    if unknown:
        raise InstructionError(f"Critères inconnus : {', '.join(sorted(unknown))}.")
    before = selectors.weights_for(region.code, campaign_id)
    for code, weight in weights.items():
        try:
            selection.check_weight(weight)
        except selection.ScoringError as exc:
            raise InstructionError(_sentence(str(exc))) from exc
        obj, _ = ScoringWeight.objects.update_or_create(
            region=region,
            campaign=campaign_id,
            criterion_code=code,
            defaults={"weight": weight, "updated_by": by},
        )
        if before.get(code) != weight:
            record_audit(obj, f"weight:{code}", before.get(code), weight, by=by, comment="Pondération régionale")


@transaction.atomic
def save_scores(dossier: Dossier, *, by, marks: dict[str, tuple[int | None, str]]) -> selection.ScoreResult | None:
    """Record the instructor's marks (criterion → (mark 0..5 or None, justification)) and return the new score."""
    require(permissions.can_score(by, dossier), InstructionError)
    criteria = {c.code for c in selectors.criteria_for(dossier.campaign)}
    existing = selectors.marks_for(dossier)
    for code, (mark, comment) in marks.items():
        if code not in criteria:
            raise InstructionError(f"Critère inconnu pour cette campagne : « {code} ».")
        comment = (comment or "").strip()
        old = existing.get(code)
        if mark is None:
            if old is not None:
                record_audit(old, f"score:{code}", old.value, None, by=by, dossier=dossier)
                old.delete()
            continue
        try:
            selection.check_mark(mark)
        except selection.ScoringError as exc:
            raise InstructionError(_sentence(str(exc))) from exc
        if old is not None and old.value == mark and old.comment == comment:
            continue
        score, _ = Score.objects.update_or_create(
            dossier=dossier, criterion_code=code, defaults={"value": mark, "comment": comment, "scored_by": by}
        )
        if old is None or old.value != mark:
            record_audit(
                score,
                f"score:{code}",
                old.value if old else None,
                mark,
                by=by,
                dossier=dossier,
                comment="Grille de priorisation",
            )
    return selectors.score_of(dossier)


# --- instruction steps --------------------------------------------------------------------------------------------


def start_instruction(dossier: Dossier, *, by) -> None:
    _transition(dossier, workflow.Action.START_INSTRUCTION, by)


def request_information(dossier: Dossier, *, by, body: str) -> None:
    """Ask the porteur for more information: the message joins the dossier's thread and the dossier reopens for
    editing by the porteur (more_info_requested)."""
    require(permissions.can_request_information(by, dossier), InstructionError)
    body = (body or "").strip()
    if not body:
        raise InstructionError("Précisez les compléments attendus du porteur.")
    _transition(dossier, workflow.Action.REQUEST_INFO, by, body)


def resume_instruction(dossier: Dossier, *, by, comment: str) -> None:
    _transition(dossier, workflow.Action.RESUME_INSTRUCTION, by, comment)


def send_to_committee(dossier: Dossier, *, by) -> None:
    _transition(dossier, workflow.Action.SEND_TO_COMMITTEE, by)


def withdraw_from_committee(dossier: Dossier, *, by, comment: str) -> None:
    if dossier.decisions.filter(session__closed=False).exists() and dossier.status == Status.IN_COMMITTEE:
        raise InstructionError("Ce dossier a déjà une décision du comité.")
    _transition(dossier, workflow.Action.WITHDRAW_FROM_COMMITTEE, by, comment)


# --- committee ----------------------------------------------------------------------------------------------------


@transaction.atomic
def create_session(
    *, by, region, campaign_id: str, window_code: str, date: dt.date, envelope: Decimal
) -> CommitteeSession:
    require(permissions.can_manage_committee(by, region_code=region.code), InstructionError)
    campaign = selectors.campaign_or_none(campaign_id)
    if campaign is None:
        raise InstructionError(f"Campagne inconnue : « {campaign_id} ».")
    codes = {w.code for w in campaign.windows}
    if codes and window_code not in codes:
        raise InstructionError("Choisissez une fenêtre de sélection de la campagne.")
    if envelope is None or envelope < 0:
        raise InstructionError("L'enveloppe régionale doit être un montant positif.")
    if CommitteeSession.objects.filter(region=region, campaign=campaign_id, window_code=window_code).exists():
        raise InstructionError("Un comité existe déjà pour cette fenêtre de sélection.")
    sibling = CommitteeSession.objects.filter(region=region, campaign=campaign_id).first()
    if sibling is not None and sibling.envelope_eur != envelope:
        # One envelope per campaign and region: every committee of the campaign commits on it.
        raise InstructionError(
            f"L'enveloppe régionale de cette campagne est de {selection.format_eur(sibling.envelope_eur)} "
            "(comités existants) : reprenez ce montant, ou modifiez l'enveloppe depuis un comité existant."
        )
    session = CommitteeSession.objects.create(
        region=region,
        campaign=campaign_id,
        window_code=window_code,
        date=date,
        envelope_eur=envelope,
        created_by=by,
    )
    record_audit(session, "envelope_eur", None, envelope, by=by, comment="Création du comité")
    return session


@transaction.atomic
def update_envelope(session: CommitteeSession, *, by, envelope: Decimal, reason: str) -> None:
    require(permissions.can_manage_committee(by, session), InstructionError)
    reason = (reason or "").strip()
    if not reason:
        raise InstructionError("Motivez la modification de l'enveloppe.")
    if envelope is None or envelope < 0:
        raise InstructionError("L'enveloppe régionale doit être un montant positif.")
    # One envelope per campaign and region: the change applies to every committee of the campaign.
    lock_envelope(session.campaign, session.region_id)
    for sibling in CommitteeSession.objects.filter(region_id=session.region_id, campaign=session.campaign):
        old = sibling.envelope_eur
        if old == envelope:
            continue
        sibling.envelope_eur = envelope
        sibling.save(update_fields=["envelope_eur"])
        record_audit(sibling, "envelope_eur", old, envelope, by=by, comment=reason)
    session.refresh_from_db()


def lock_envelope(campaign_id: str, region_id: str) -> Decimal:
    """Lock the envelope of a campaign in a region and return its amount (call inside a transaction).

    The envelope lives on the committee sessions of the campaign and region, rows that always exist when an amount is
    committed (a decision needs its session): locking them, in one order, serialises every consumer of the envelope
    on PostgreSQL. Locking decision rows instead would miss the first decisions (rows that do not exist yet).
    """
    sessions = list(
        CommitteeSession.objects.select_for_update().filter(region_id=region_id, campaign=campaign_id).order_by("pk")
    )
    return sessions[0].envelope_eur if sessions else Decimal(0)


def _parse_amount(value) -> Decimal:
    try:
        amount = Decimal(str(value).replace("\u202f", "").replace("\u00a0", "").replace(" ", "").replace(",", "."))
    except (InvalidOperation, ValueError) as exc:
        raise InstructionError("Le montant accordé doit être un nombre.") from exc
    if not amount.is_finite():
        raise InstructionError("Le montant accordé doit être un nombre.")
    return amount


@transaction.atomic
def decide(
    dossier: Dossier,
    *,
    by,
    session: CommitteeSession,
    group: str,
    amount,
    recommendation: str = "",
    override_reason: str = "",
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> CommitteeDecision:
    """Record (or amend, before notification) the committee's decision on a dossier.

    Group A commits an amount on the regional envelope: above it, a motivated override is required and logged.
    """
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if locked.status == Status.IN_COMMITTEE:
        require(permissions.can_decide_in(by, locked), InstructionError)
    elif locked.status == Status.DECIDED:
        require(permissions.can_amend_decision(by, locked), InstructionError)
    else:
        raise InstructionError("Le dossier n'est pas inscrit à un comité de sélection.")
    require(permissions.can_manage_committee(by, session), InstructionError)
    if session.region_id != locked.region_id or session.campaign != locked.campaign:
        raise InstructionError("Ce comité ne porte pas sur la campagne et la région du dossier.")
    try:
        group = selection.DecisionGroup(group)
    except ValueError as exc:
        raise InstructionError("Choisissez le groupe de la décision (A, B, C ou D).") from exc
    amount = _parse_amount(amount if group.funded else 0)
    errors = selection.decision_errors(group, amount, selectors.regional_share(locked))
    if errors:
        raise InstructionError(_sentence(" ; ".join(errors)))
    # the envelope is locked (and read again) so that two instructors cannot both fill its remaining room
    envelope = lock_envelope(session.campaign, session.region_id)
    committed = selectors.committed_except(session, locked)
    check = selection.check_allocation(envelope, committed, amount, override_reason)
    if not check.allowed:
        raise InstructionError(check.message)
    recommendation = (recommendation or "").strip()
    override_reason = (override_reason or "").strip() if check.exceeds else ""
    previous = locked.decisions.order_by("-decided_at", "-id").first()
    if expected_version is not None and expected_version != (previous.version if previous else 0):
        author = previous.decided_by if previous else None
        who = (author.get_full_name() or author.username) if author else "un autre agent"
        raise InstructionError(
            f"La décision a été enregistrée ou modifiée entre-temps par {who} : rechargez la page pour voir la "
            "version actuelle avant de la modifier."
        )
    if previous is not None and previous.session_id != session.pk:
        raise InstructionError("Ce dossier a déjà été décidé par un autre comité.")
    at = at or now()
    fields = {
        "group": group.value,
        "amount_granted_eur": amount,
        "recommendation": recommendation,
        "override": check.exceeds,
        "override_reason": override_reason,
        "override_by": by if check.exceeds else None,
        "override_at": at if check.exceeds else None,
    }
    if previous is None:
        decision = CommitteeDecision.objects.create(
            session=session, dossier=locked, decided_by=by, decided_at=at, **fields
        )
        old = {"group": None, "amount_granted_eur": None, "recommendation": "", "override": False}
    else:
        decision = previous
        old = {k: getattr(decision, k) for k in ("group", "amount_granted_eur", "recommendation", "override")}
        for key, value in fields.items():
            setattr(decision, key, value)
        decision.decided_by = by
        decision.version += 1
        decision.save()
    comment = "Décision du comité" if previous is None else "Modification de la décision du comité"
    for field in ("group", "amount_granted_eur", "recommendation"):
        if old[field] != getattr(decision, field):
            record_audit(decision, field, old[field], getattr(decision, field), by=by, dossier=locked, comment=comment)
    if check.exceeds:
        record_audit(
            decision,
            "envelope_override",
            str(envelope),
            str(check.committed_after),
            by=by,
            dossier=locked,
            comment=check.message,
        )
    if locked.status == Status.IN_COMMITTEE:
        _transition(locked, workflow.Action.DECIDE, by, f"{group.label} — {selection.format_eur(amount)}", at)
    dossier.refresh_from_db()
    return decision


# --- letters and notification -------------------------------------------------------------------------------------


def _references(references) -> str:
    """``a.txt §1 ; §2`` and ``a.txt §1`` → ``a.txt §1 ; a.txt §2`` (each cited once, with its file)."""
    parts: list[str] = []
    for reference in references:
        source = ""
        for part in (p.strip() for p in str(reference).split(";")):
            if not part:
                continue
            if part.startswith("§") and source:
                part = f"{source} {part}"
            else:
                source = part.split(" ", 1)[0]
            if part not in parts:
                parts.append(part)
    return " ; ".join(parts)


def letter_data(dossier: Dossier, decision: CommitteeDecision, *, by=None, date: dt.date | None = None):
    """The content of the decision letter, from the dossier, its decision and its campaign."""
    campaign = selectors.campaign_or_none(dossier.campaign)
    group = selection.DecisionGroup(decision.group)
    evaluation = dossier.evaluation or {}
    lines, tranches, payment_reference = (), (), ""
    if group.funded:
        lines = tuple(
            letters.LetterLine(
                label=line.get("label", ""),
                basis=line.get("basis", ""),
                amount=Decimal(str(line.get("amount_eur", 0))).quantize(selection.CENT),
            )
            for line in (evaluation.get("funding") or {}).get("lines", [])
            if Decimal(str(line.get("amount_eur", 0))) != 0
        )
        campaign_tranches = list(getattr(campaign, "tranches", []) or [])
        amounts = selection.split_tranches(decision.amount_granted_eur, [t.percent for t in campaign_tranches])
        tranches = tuple(
            letters.LetterTranche(label=t.label, condition=t.condition, percent=t.percent, amount=amount)
            for t, amount in zip(campaign_tranches, amounts, strict=True)
        )
        payment_reference = _references(t.reference for t in campaign_tranches)
    from zoneinfo import ZoneInfo

    today = date or now().astimezone(ZoneInfo(dossier.region.timezone)).date()
    establishments = tuple(
        letters.LetterEstablishment(
            finess_et=e.establishment.finess_et,
            name=e.establishment.long_name or e.establishment.name,
            commune=e.establishment.commune,
            organisation=e.establishment.organisation.name,
        )
        for e in dossier.establishments.select_related("establishment__organisation").order_by("id")
    )
    signatory = by or decision.decided_by
    return letters.LetterData(
        reference=dossier.reference,
        region_name=dossier.region.name,
        place=ars_seat(dossier.region_id) or dossier.region.name,
        date=today,
        campaign_label=campaign.title if campaign else dossier.campaign,
        porteur_name=dossier.porteur.name or str(dossier.porteur),
        porteur_finess_ej=dossier.porteur.finess_ej,
        group=group,
        amount_total=decision.amount_granted_eur if group.funded else Decimal(0),
        lines=lines,
        tranches=tranches,
        payment_reference=payment_reference,
        recommendations=decision.recommendation,
        project_title=dossier.title,
        committee_date=decision.session.date,
        establishments=establishments,
        signatory_name=(signatory.get_full_name() or signatory.username) if signatory else "",
        signatory_title=f"Agence régionale de santé {dossier.region.name}",
    )


def preview_letter(dossier: Dossier, *, by) -> bytes:
    """The letter as it would be generated now (ARS side only, nothing stored)."""
    require(permissions.can_view_instruction(by, dossier), InstructionError)
    decision = selectors.current_decision(dossier)
    if decision is None:
        raise InstructionError("Le dossier n'a pas encore de décision du comité.")
    return letters.render_letter_pdf(letter_data(dossier, decision, by=by))


def notify(dossier: Dossier, *, by, at: dt.datetime | None = None) -> NotificationLetter:
    """Generate the decision letter, store it and notify the porteur (decided → notified).

    ``at`` (default: the platform's clock) dates the letter and the notification.
    """
    at = at or now()
    require(permissions.can_notify(by, dossier), InstructionError)
    try:
        workflow.check(dossier.status, workflow.Action.NOTIFY, by.role)
    except workflow.TransitionRefused as exc:
        raise InstructionError(str(exc)) from exc
    decision = selectors.current_decision(dossier)
    if decision is None:
        raise InstructionError("Le dossier n'a pas encore de décision du comité.")
    from zoneinfo import ZoneInfo

    local_date = at.astimezone(ZoneInfo(dossier.region.timezone)).date()
    pdf = letters.render_letter_pdf(letter_data(dossier, decision, by=by, date=local_date))
    digest = hashlib.sha256(pdf).hexdigest()
    stored = []
    try:
        with transaction.atomic():
            letter = NotificationLetter(
                dossier=dossier, decision=decision, sha256=digest, generated_by=by, generated_at=at, sent_at=at
            )
            letter.file.save(f"decision-{dossier.reference}.pdf", ContentFile(pdf), save=False)
            stored.append(letter.file.name)
            letter.save()
            _transition(dossier, workflow.Action.NOTIFY, by, f"Courrier de décision {digest[:12]}", at)
    except Exception:
        for name in stored:
            NotificationLetter.file.field.storage.delete(name)
        raise
    return letter
