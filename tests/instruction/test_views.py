"""Instruction pages: every view × every role (who gets 200/302, who gets 403/404), no leak across regions and
organisations, filters and exports, and the pages' content."""

import csv
import html
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from esmsnum.audit.models import AuditEntry
from esmsnum.dossiers.models import Status
from esmsnum.instruction import selectors, services

from .conftest import make_dossier

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "porteur", "member", "other", "instructor", "instructor_other", "grades", "national", "admin"]
ARS_READ = {"instructor", "national", "admin"}


def _prepare(world, session, state):
    """A dossier of La Réunion in ``state`` (with a decision / letter when the state implies one)."""
    dossier = make_dossier(world, status=Status.UNDER_INSTRUCTION if state != Status.FILED else Status.FILED)
    if state in (Status.IN_COMMITTEE, Status.DECIDED, Status.NOTIFIED):
        services.send_to_committee(dossier, by=world.users.instructor)
    if state in (Status.DECIDED, Status.NOTIFIED):
        services.decide(dossier, by=world.users.instructor, session=session, group="A", amount=Decimal("42000"))
    letter = None
    if state == Status.NOTIFIED:
        letter = services.notify(dossier, by=world.users.instructor)
    dossier.refresh_from_db()
    return dossier, letter


def _page(allowed: dict) -> dict:
    """A page without an object: every other role gets 403 (nothing to hide)."""
    return {role: 403 for role in ROLES} | allowed


def _criterion():
    return selectors.criteria_for("generalisation-2024")[0].code


# name: (state of the dossier, method, url builder, POST data builder, expected status per role)
VIEWS = {
    "liste": (
        None,
        "get",
        lambda d, s, lt: reverse("instruction:list"),
        None,
        _page({r: 200 for r in ARS_READ | {"instructor_other"}}),
    ),
    "export-csv": (
        None,
        "get",
        lambda d, s, lt: reverse("instruction:export_csv"),
        None,
        _page({r: 200 for r in ARS_READ | {"instructor_other"}}),
    ),
    "export-xlsx": (
        None,
        "get",
        lambda d, s, lt: reverse("instruction:export_xlsx"),
        None,
        _page({r: 200 for r in ARS_READ | {"instructor_other"}}),
    ),
    "dossier": (
        Status.UNDER_INSTRUCTION,
        "get",
        lambda d, s, lt: reverse("instruction:dossier", args=[d.pk]),
        None,
        {"instructor": 200, "national": 200, "admin": 200, "porteur": 403, "member": 403, "grades": 403},
    ),
    "apercu-courrier": (
        Status.DECIDED,
        "get",
        lambda d, s, lt: reverse("instruction:letter_preview", args=[d.pk]),
        None,
        {"instructor": 200, "national": 200, "admin": 200, "porteur": 403, "member": 403, "grades": 403},
    ),
    "courrier": (
        Status.NOTIFIED,
        "get",
        lambda d, s, lt: reverse("instruction:letter", args=[lt.pk]),
        None,
        {"instructor": 200, "national": 200, "admin": 200, "porteur": 200, "member": 200, "grades": 403},
    ),
    "ponderations": (
        None,
        "get",
        lambda d, s, lt: reverse("instruction:weights"),
        None,
        _page({"instructor": 200, "instructor_other": 200, "admin": 200}),
    ),
    "comites": (
        None,
        "get",
        lambda d, s, lt: reverse("instruction:committees"),
        None,
        _page({r: 200 for r in ARS_READ | {"instructor_other"}}),
    ),
    "comite": (
        None,
        "get",
        lambda d, s, lt: reverse("instruction:committee", args=[s.pk]),
        None,
        {"instructor": 200, "national": 200, "admin": 200},
    ),
    "passer-en-instruction": (
        Status.FILED,
        "post",
        lambda d, s, lt: reverse("instruction:action", args=[d.pk, "start_instruction"]),
        lambda: {},
        {"instructor": 302, "admin": 302, "national": 403, "porteur": 403, "member": 403, "grades": 403},
    ),
    "grille": (
        Status.UNDER_INSTRUCTION,
        "post",
        lambda d, s, lt: reverse("instruction:score", args=[d.pk]),
        lambda: {f"mark_{_criterion()}": "4"},
        {"instructor": 302, "admin": 302, "national": 403, "porteur": 403, "member": 403, "grades": 403},
    ),
    "grille-apercu": (
        Status.UNDER_INSTRUCTION,
        "post",
        lambda d, s, lt: reverse("instruction:score_preview", args=[d.pk]),
        lambda: {f"mark_{_criterion()}": "4"},
        {"instructor": 200, "admin": 200, "national": 403, "porteur": 403, "member": 403, "grades": 403},
    ),
    "demande-complements": (
        Status.UNDER_INSTRUCTION,
        "post",
        lambda d, s, lt: reverse("instruction:request_info", args=[d.pk]),
        lambda: {"body": "Merci de préciser le planning."},
        {"instructor": 302, "admin": 302, "national": 403, "porteur": 403, "member": 403, "grades": 403},
    ),
    "decision": (
        Status.IN_COMMITTEE,
        "post",
        lambda d, s, lt: reverse("instruction:decide", args=[d.pk]),
        lambda: {"group": "B", "amount": "0"},
        {"instructor": 302, "admin": 302, "national": 403, "porteur": 403, "member": 403, "grades": 403},
    ),
    "notification": (
        Status.DECIDED,
        "post",
        lambda d, s, lt: reverse("instruction:notify", args=[d.pk]),
        lambda: {},
        {"instructor": 302, "admin": 302, "national": 403, "porteur": 403, "member": 403, "grades": 403},
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("view", list(VIEWS))
def test_role_view_matrix(client, world, session, view, role):
    state, method, url, data, expected = VIEWS[view]
    dossier, letter = _prepare(world, session, state) if state else (make_dossier(world), None)
    if role != "anonymous":
        client.force_login(getattr(world.users, role))
    payload = data() if data else None
    if view == "decision":
        payload["session"] = str(session.pk)
    response = getattr(client, method)(url(dossier, session, letter), payload or {})
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        return
    assert response.status_code == expected.get(role, 404), (view, role)
    if response.streaming:  # reading closes the file through the test client (response.close() would also
        # close the test's PostgreSQL connection)
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
    if response.status_code in (403, 404):
        body = response.content.decode()
        assert dossier.title not in body
        assert "42\u202f000" not in body
        assert dossier.reference not in body


def _login(client, user):
    client.force_login(user)
    return client


def test_list_shows_only_the_region(client, world, session):
    mine = make_dossier(world)
    _login(client, world.users.instructor_other)
    response = client.get(reverse("instruction:list"))
    assert mine.reference not in response.content.decode()
    for name in ("export_csv", "export_xlsx"):
        content = client.get(reverse(f"instruction:{name}")).content
        if name == "export_xlsx":
            sheet = load_workbook(io.BytesIO(content)).active
            assert sheet.max_row == 1
        else:
            assert mine.reference.encode() not in content
    _login(client, world.users.instructor)
    assert mine.reference in client.get(reverse("instruction:list")).content.decode()


def test_drafts_are_not_listed(client, world):
    draft = make_dossier(world, status=Status.DRAFT)
    _login(client, world.users.instructor)
    assert draft.reference not in client.get(reverse("instruction:list")).content.decode()
    assert client.get(reverse("instruction:dossier", args=[draft.pk])).status_code == 404


def test_filters(client, world):
    filed = make_dossier(world, status=Status.FILED)
    instructing = make_dossier(world)
    instructing.window = "regional_2"
    instructing.guichet = "national"
    instructing.save()
    _login(client, world.users.instructor)

    def refs(**params):
        page = client.get(reverse("instruction:list"), params).content.decode()
        return {d.reference for d in (filed, instructing) if f'data-reference="{d.reference}"' in page}

    assert refs() == {filed.reference, instructing.reference}
    assert refs(etat="filed") == {filed.reference}
    assert refs(fenetre="regional_2") == {instructing.reference}
    assert refs(guichet="regional") == {filed.reference}
    assert refs(campagne="generalisation-2024") == {filed.reference, instructing.reference}
    assert refs(campagne="amorcage-2021-t1") == set()
    assert refs(q=filed.reference) == {filed.reference}
    assert refs(q=world.porteur_org.name) == {filed.reference, instructing.reference}
    assert refs(etat="nimporte") == {filed.reference, instructing.reference}  # unknown values are ignored


def test_csv_export_for_french_spreadsheets(client, world):
    dossier = make_dossier(world)
    _login(client, world.users.instructor)
    response = client.get(reverse("instruction:export_csv"), {"etat": "under_instruction"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'attachment; filename="dossiers-esms-numerique-04-' in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Référence", "Intitulé du projet", "Campagne"]
    assert rows[1][0] == dossier.reference
    assert rows[1][11] == "42000,00"


def test_xlsx_export_typed(client, world):
    make_dossier(world)
    _login(client, world.users.national)
    response = client.get(reverse("instruction:export_xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    headers = [c.value for c in sheet[1]]
    amount = sheet.cell(row=2, column=headers.index("Financement calculé (€)") + 1)
    assert amount.value == 42000
    assert "€" in amount.number_format
    assert sheet.cell(row=2, column=headers.index("Déposé le") + 1).is_date


def test_instruction_page_content(client, world, session):
    dossier = make_dossier(world)
    _login(client, world.users.instructor)
    page = client.get(reverse("instruction:dossier", args=[dossier.pk])).content.decode()
    for expected in (
        "Analyse du moteur",
        "2 ESSMS (idéalement 8)",
        "Contrôle du référentiel FINESS",
        "2 conformes",
        "Grille de priorisation",
        "Solution mutualisée",
        "Demander des compléments",
        "42\u202f000,00\u00a0€",
        "Inscrire au comité de sélection",
    ):
        assert expected in page, expected


def test_national_reads_without_forms(client, world, session):
    dossier = make_dossier(world)
    _login(client, world.users.national)
    page = client.get(reverse("instruction:dossier", args=[dossier.pk])).content.decode()
    assert "Lecture seule" in page
    assert 'id="grille-form"' not in page
    assert 'id="demande-complements"' not in page
    assert "Inscrire au comité" not in page


def test_score_preview_htmx(client, world):
    dossier = make_dossier(world)
    _login(client, world.users.instructor)
    response = client.post(
        reverse("instruction:score_preview", args=[dossier.pk]),
        {f"mark_{_criterion()}": "5"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert 'id="score-result"' in body
    assert "33,33 / 100" in body
    assert "non enregistré" in body
    assert not dossier.scores.exists()


def test_decision_form_errors_are_shown(client, world, session):
    first = make_dossier(world, total="70000.00")
    second = make_dossier(world, total="42000.00")
    for dossier in (first, second):
        services.send_to_committee(dossier, by=world.users.instructor)
    services.decide(first, by=world.users.instructor, session=session, group="A", amount=Decimal("70000"))
    _login(client, world.users.instructor)
    url = reverse("instruction:decide", args=[second.pk])
    response = client.post(url, {"session": session.pk, "group": "A", "amount": "42000"})
    assert response.status_code == 400
    assert "dépasserait l'enveloppe régionale" in html.unescape(response.content.decode())
    response = client.post(
        url, {"session": session.pk, "group": "A", "amount": "42000", "override_reason": "Crédits complémentaires"}
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == Status.DECIDED


def test_committee_page(client, world, session):
    first = make_dossier(world, total="70000.00")
    second = make_dossier(world, total="42000.00")
    services.save_scores(second, by=world.users.instructor, marks={_criterion(): (5, "")})
    for dossier in (first, second):
        services.send_to_committee(dossier, by=world.users.instructor)
    _login(client, world.users.instructor)
    page = client.get(reverse("instruction:committee", args=[session.pk])).content.decode()
    assert page.index(second.reference) < page.index(first.reference)
    assert "Limite de l'enveloppe régionale" in page
    assert "112\u202f000,00\u00a0€" in page


def test_create_session_and_change_envelope(client, world):
    _login(client, world.users.instructor)
    response = client.post(
        reverse("instruction:committees"),
        {"campaign": "generalisation-2024", "window_code": "regional_1", "date": "2024-06-20", "envelope": "500000"},
    )
    assert response.status_code == 302
    session = world.reunion.committee_sessions.get()
    assert session.envelope_eur == Decimal("500000")
    response = client.post(
        reverse("instruction:committee", args=[session.pk]), {"envelope": "600000", "reason": "Rallonge"}
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.envelope_eur == Decimal("600000")
    assert list(AuditEntry.objects.filter(field="envelope_eur").values_list("new_value", "comment")) == [
        ("500000", "Création du comité"),
        ("600000", "Rallonge"),
    ]
    # the national office reads but cannot create
    _login(client, world.users.national)
    assert client.post(reverse("instruction:committees"), {}).status_code == 403
    assert client.post(reverse("instruction:committee", args=[session.pk]), {}).status_code == 403


def test_weights_page(client, world):
    _login(client, world.users.instructor)
    code = _criterion()
    response = client.post(
        reverse("instruction:weights") + "?campagne=generalisation-2024",
        {"campagne": "generalisation-2024", f"weight_{code}": "2,5", "weight_unrepresented_fields": "1"}
        | {f"weight_{c.code}": "1" for c in selectors.criteria_for("generalisation-2024")[1:]},
    )
    assert response.status_code == 302
    assert selectors.weights_for("04", "generalisation-2024")[code] == Decimal("2.5")
    # an instructor cannot set another region's weights
    _login(client, world.users.instructor_other)
    client.post(
        reverse("instruction:weights") + "?region=04",
        {"campagne": "generalisation-2024", "region": "04", f"weight_{code}": "9"}
        | {f"weight_{c.code}": "1" for c in selectors.criteria_for("generalisation-2024")[1:]},
    )
    assert selectors.weights_for("04", "generalisation-2024")[code] == Decimal("2.5")
    assert selectors.weights_for("32", "generalisation-2024")[code] == Decimal("9")


def test_times_are_shown_in_the_region_time_zone(client, world):
    import datetime as dt

    dossier = make_dossier(world)
    dossier.filed_at = dt.datetime(2024, 5, 15, 12, 30, tzinfo=dt.UTC)  # 16:30 in La Réunion
    dossier.save()
    _login(client, world.users.instructor)
    page = client.get(reverse("instruction:dossier", args=[dossier.pk])).content.decode()
    assert "15/05/2024 à 16:30 (heure de La Réunion)" in page


def test_pieces_link_to_the_permission_checked_download(client, world):
    from django.core.files.base import ContentFile

    from esmsnum.dossiers.models import Document

    dossier = make_dossier(world)
    document = Document(
        dossier=dossier,
        piece_code="presentation",
        original_name="Note de présentation.pdf",
        content_type="application/pdf",
        size=10,
        sha256="c" * 64,
        uploaded_by=world.users.porteur,
        scan_status="not_scanned",  # created here, not through the upload service that scans
    )
    document.file.save("pdf", ContentFile(b"%PDF-1.4\n%"), save=False)
    document.save()
    _login(client, world.users.instructor)
    page = client.get(reverse("instruction:dossier", args=[dossier.pk])).content.decode()
    assert reverse("dossiers:document", args=[dossier.pk, document.pk]) in page
    assert "Note de présentation.pdf" in page
