"""Every view of the dossiers app × every role: who gets 200, who gets 403 (visible, not allowed) or 404 (not
visible at all), and that nothing of a dossier leaks to another organisation or region."""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from esmsnum.dossiers.models import Document, Status

from .factories import dossier_for, make_world
from .test_uploads import PDF_BYTES

pytestmark = pytest.mark.django_db

ROLES = ["porteur", "member", "other", "instructor", "instructor_other", "grades", "national", "admin", "anonymous"]


def _row(*codes: int) -> dict[str, int]:
    assert len(codes) == len(ROLES)
    return dict(zip(ROLES, codes, strict=True))


#                         porteur member other instr instr_o grades national admin anon
VISIBLE_DRAFT = _row(200, 200, 404, 404, 404, 404, 404, 200, 302)
VISIBLE_FILED = _row(200, 200, 404, 200, 404, 200, 200, 200, 302)
EDIT_OPEN = _row(200, 403, 404, 404, 404, 404, 404, 403, 302)  # draft: only the porteur edits
EDIT_FILED = _row(403, 403, 404, 403, 404, 403, 403, 403, 302)  # filed: nobody edits
EDIT_REOPENED = _row(200, 403, 404, 403, 404, 403, 403, 403, 302)  # more information requested

DOSSIER_VIEWS = ["detail", "evaluation"]
EDIT_VIEWS = ["projet", "grappe", "pieces", "depot", "search", "establishment"]

MATRIX = (
    [(view, Status.DRAFT, VISIBLE_DRAFT) for view in [*DOSSIER_VIEWS, "document"]]
    + [(view, Status.FILED, VISIBLE_FILED) for view in [*DOSSIER_VIEWS, "document"]]
    + [(view, Status.NOTIFIED, VISIBLE_FILED) for view in [*DOSSIER_VIEWS, "document"]]
    + [(view, Status.DRAFT, EDIT_OPEN) for view in EDIT_VIEWS]
    + [(view, Status.UNDER_INSTRUCTION, EDIT_FILED) for view in EDIT_VIEWS]
    + [(view, Status.MORE_INFO_REQUESTED, EDIT_REOPENED) for view in EDIT_VIEWS]
)


@pytest.fixture
def world():
    return make_world()


def _client(client, world, role):
    if role != "anonymous":
        client.force_login(getattr(world.users, role))
    return client


def _dossier(world, status):
    dossier = dossier_for(world, status=status, total_amount_eur=Decimal("123456.78"))
    document = Document(
        dossier=dossier,
        piece_code="presentation",
        original_name="Note secrète.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
        sha256="a" * 64,
        uploaded_by=world.users.porteur,
        scan_status="not_scanned",  # created here, not through the upload service that scans
    )
    document.file.save("pdf", ContentFile(PDF_BYTES), save=False)
    document.save()
    return dossier, document


def _url(view, dossier, document):
    if view == "document":
        return reverse("dossiers:document", args=[dossier.pk, document.pk])
    if view == "establishment":
        return reverse("dossiers:establishment", args=[dossier.pk, dossier.establishments.first().pk])
    if view == "search":
        return reverse("dossiers:search", args=[dossier.pk]) + "?q=EHPAD"
    return reverse(f"dossiers:{view}", args=[dossier.pk])


@pytest.mark.parametrize(("view", "status", "expected"), MATRIX, ids=[f"{v}-{s}" for v, s, _ in MATRIX])
def test_view_role_matrix(client, world, view, status, expected):
    dossier, document = _dossier(world, status)
    url = _url(view, dossier, document)
    got = {}
    for role in ROLES:
        client.logout()
        response = _client(client, world, role).get(url)
        if response.streaming:
            # Reading the content closes the served file through the test client's wrapper, which keeps the
            # request_finished signal from closing the test's database connection (as response.close() would).
            b"".join(response.streaming_content)
        got[role] = response.status_code
        if role == "anonymous" and response.status_code == 302:
            assert response["Location"].startswith(reverse("login"))
    assert got == expected


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        ("list", _row(200, 200, 200, 200, 200, 200, 200, 200, 302)),
        ("create", _row(200, 200, 200, 403, 403, 403, 403, 403, 302)),
    ],
)
def test_global_views(client, world, view, expected):
    got = {}
    for role in ROLES:
        client.logout()
        got[role] = _client(client, world, role).get(reverse(f"dossiers:{view}")).status_code
    assert got == expected


POSTS = [
    ("add_establishment", lambda d, w: {"establishment": w.other_est.pk}),
    ("add_organisation", lambda d, w: {"organisation": w.other_org.pk}),
    ("remove_establishment", None),
    ("remove_member", None),
    ("delete_document", None),
    ("projet", lambda d, w: {"title": "Titre modifié"}),
    ("grappe", lambda d, w: {"formulaire": "et"}),
]


def _post_url(name, dossier, document):
    if name == "remove_establishment":
        return reverse("dossiers:remove_establishment", args=[dossier.pk, dossier.establishments.last().pk])
    if name == "remove_member":
        member = dossier.members.exclude(organisation=dossier.porteur).first()
        return reverse("dossiers:remove_member", args=[dossier.pk, member.pk])
    if name == "delete_document":
        return reverse("dossiers:delete_document", args=[dossier.pk, document.pk])
    return reverse(f"dossiers:{name}", args=[dossier.pk])


@pytest.mark.parametrize(("name", "data"), POSTS, ids=[name for name, _ in POSTS])
@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (Status.DRAFT, _row(None, 403, 404, 404, 404, 404, 404, 403, 302)),
        (Status.FILED, _row(403, 403, 404, 403, 404, 403, 403, 403, 302)),
    ],
)
def test_writes_are_refused_to_everyone_but_the_porteur(client, world, name, data, status, expected):
    """Refused writes change nothing (the porteur's own write, marked None, is tested in the journey tests)."""
    from .factories import EstablishmentFactory

    world.other_est = EstablishmentFactory(organisation=world.other_org)
    dossier, document = _dossier(world, status)
    url = _post_url(name, dossier, document)
    before = (dossier.title, dossier.establishments.count(), dossier.members.count(), dossier.documents.count())
    for role in ROLES:
        if expected[role] is None:
            continue
        client.logout()
        response = _client(client, world, role).post(url, data(dossier, world) if data else {})
        assert response.status_code == expected[role], (role, response.status_code)
    dossier.refresh_from_db()
    after = (dossier.title, dossier.establishments.count(), dossier.members.count(), dossier.documents.count())
    assert after == before


@pytest.mark.parametrize("status", [Status.DRAFT, Status.UNDER_INSTRUCTION])
def test_workflow_actions_refused_leave_the_dossier_unchanged(client, world, status):
    dossier, _ = _dossier(world, status)
    for role, action, code in [
        ("member", "file", 302),
        ("national", "start_instruction", 302 if status != Status.DRAFT else 404),
        ("grades", "request_info", 302 if status != Status.DRAFT else 404),
        ("other", "file", 404),
        ("instructor_other", "request_info", 404),
        ("anonymous", "file", 302),
    ]:
        client.logout()
        response = _client(client, world, role).post(
            reverse("dossiers:action", args=[dossier.pk, action]), {"comment": "x"}
        )
        assert response.status_code == code, (role, action)
        dossier.refresh_from_db()
        assert dossier.status == status
        assert not dossier.transitions.exists()


def test_unknown_action_is_404(client, world):
    dossier, _ = _dossier(world, Status.FILED)
    client.force_login(world.users.instructor)
    assert client.post(reverse("dossiers:action", args=[dossier.pk, "archive"])).status_code == 404


def test_documents_are_served_by_the_view_only(client, world, settings):
    dossier, document = _dossier(world, Status.FILED)
    assert settings.MEDIA_URL is None
    client.force_login(world.users.instructor)
    response = client.get(_url("document", dossier, document))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "private" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == PDF_BYTES  # also closes the file
    # The stored file name is random and lives outside any URL the site serves.
    assert document.file.name.startswith(f"dossiers/{dossier.pk}/")
    assert "secrète" not in document.file.name
    assert client.get("/media/" + document.file.name).status_code == 404
    # A document id from another dossier does not open through this dossier's URL.
    _other, other_document = _dossier(world, Status.FILED)
    assert client.get(reverse("dossiers:document", args=[dossier.pk, other_document.pk])).status_code == 404


def test_nothing_leaks_in_lists_and_pages(client, world):
    draft, _ = _dossier(world, Status.DRAFT)
    filed, _ = _dossier(world, Status.FILED)
    for role in ["other", "instructor_other"]:
        client.logout()
        _client(client, world, role)
        page = client.get(reverse("dossiers:list")).content.decode()
        for dossier in (draft, filed):
            assert dossier.title not in page
            assert dossier.reference not in page
        assert "123 456,78" not in page
        assert "123456" not in page
    client.logout()
    client.force_login(world.users.instructor)
    page = client.get(reverse("dossiers:list")).content.decode()
    assert filed.title in page
    assert draft.title not in page  # drafts belong to the porteur alone


def test_forbidden_page_gives_the_french_reason(client, world):
    dossier, _ = _dossier(world, Status.UNDER_INSTRUCTION)
    client.force_login(world.users.porteur)
    response = client.get(reverse("dossiers:projet", args=[dossier.pk]))
    assert response.status_code == 403
    assert "plus modifiable" in response.content.decode()


# --- instruction app (esmsnum.instruction) ---------------------------------------------------------------------
# The instruction pages belong to the ARS (instructors of the dossier's region, admins) and to the national office
# (read-only). GRADeS and porteurs never see scores, committees or internal pages; the porteur (and the grappe's
# other OG) downloads the decision letter once notified. Writes are covered in tests/instruction/test_views.py.

#                              porteur member other instr instr_o grades national admin anon
INSTRUCTION_PAGE = _row(403, 403, 403, 200, 200, 403, 200, 200, 302)  # list, exports, committees: no object
INSTRUCTION_DOSSIER = _row(403, 403, 404, 200, 404, 403, 200, 200, 302)  # a dossier of La Réunion
INSTRUCTION_WEIGHTS = _row(403, 403, 403, 200, 200, 403, 403, 200, 302)  # the instructor's own region
INSTRUCTION_COMMITTEE = _row(404, 404, 404, 200, 404, 404, 200, 200, 302)  # La Réunion's committee
LETTER_NOTIFIED = _row(200, 200, 404, 200, 404, 403, 200, 200, 302)
LETTER_BEFORE_NOTIFICATION = _row(403, 403, 404, 200, 404, 403, 200, 200, 302)


def _instruction_objects(world, status):
    import datetime

    from esmsnum.instruction.models import CommitteeDecision, CommitteeSession, NotificationLetter

    dossier, _document = _dossier(world, status)
    session = CommitteeSession.objects.create(
        region=world.reunion,
        campaign=dossier.campaign,
        window_code="regional_1",
        date=datetime.date(2024, 6, 20),
        envelope_eur=Decimal("1000000"),
    )
    decision = CommitteeDecision.objects.create(
        session=session, dossier=dossier, group="A", amount_granted_eur=Decimal("123456.78")
    )
    letter = NotificationLetter(dossier=dossier, decision=decision, sha256="b" * 64)
    letter.file.save("decision.pdf", ContentFile(PDF_BYTES), save=False)
    letter.save()
    return dossier, session, letter


INSTRUCTION_MATRIX = [
    ("instruction:list", Status.UNDER_INSTRUCTION, INSTRUCTION_PAGE),
    ("instruction:export_csv", Status.UNDER_INSTRUCTION, INSTRUCTION_PAGE),
    ("instruction:export_xlsx", Status.UNDER_INSTRUCTION, INSTRUCTION_PAGE),
    ("instruction:committees", Status.UNDER_INSTRUCTION, INSTRUCTION_PAGE),
    ("instruction:weights", Status.UNDER_INSTRUCTION, INSTRUCTION_WEIGHTS),
    ("instruction:dossier", Status.UNDER_INSTRUCTION, INSTRUCTION_DOSSIER),
    ("instruction:dossier", Status.NOTIFIED, INSTRUCTION_DOSSIER),
    ("instruction:letter_preview", Status.DECIDED, INSTRUCTION_DOSSIER),
    ("instruction:committee", Status.DECIDED, INSTRUCTION_COMMITTEE),
    ("instruction:letter", Status.DECIDED, LETTER_BEFORE_NOTIFICATION),
    ("instruction:letter", Status.NOTIFIED, LETTER_NOTIFIED),
]


@pytest.mark.parametrize(
    ("view", "status", "expected"), INSTRUCTION_MATRIX, ids=[f"{v}-{s}" for v, s, _ in INSTRUCTION_MATRIX]
)
def test_instruction_view_role_matrix(client, world, settings, tmp_path, view, status, expected):
    settings.MEDIA_ROOT = tmp_path / "media"
    dossier, session, letter = _instruction_objects(world, status)
    args = {"instruction:committee": [session.pk], "instruction:letter": [letter.pk]}.get(view)
    if args is None and view in ("instruction:dossier", "instruction:letter_preview"):
        args = [dossier.pk]
    url = reverse(view, args=args)
    got = {}
    for role in ROLES:
        client.logout()
        response = _client(client, world, role).get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        got[role] = response.status_code
        if response.status_code in (403, 404):
            assert dossier.title.encode() not in body, (view, role)
            assert "123\u202f456,78".encode() not in body, (view, role)
        if role == "anonymous":
            assert response["Location"].startswith(reverse("login"))
    assert got == expected
