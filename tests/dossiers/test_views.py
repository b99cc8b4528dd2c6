"""The porteur's pages through the test client: htmx answers, forms, uploads, filing messages."""

import html
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from esmsnum.dossiers.models import Dossier, DossierEstablishment, GrappeMember, Status

from .factories import CAMPAIGN, EstablishmentFactory, category, dossier_for, make_world
from .test_uploads import PDF_BYTES

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def world(settings, client):
    settings.ESMSNUM_CLOCK = "2024-05-20T10:00:00+04:00"
    world = make_world()
    client.force_login(world.users.porteur)
    return world


def test_create_lists_only_open_campaigns_and_redirects_to_the_first_step(client, world, settings):
    page = client.get(reverse("dossiers:create")).content.decode()
    assert "Phase de généralisation 2024" in page
    assert "amorcage-2021" not in page
    response = client.post(reverse("dossiers:create"), {"campaign": CAMPAIGN, "title": "Mon projet"})
    dossier = Dossier.objects.get(title="Mon projet")
    assert response["Location"] == reverse("dossiers:projet", args=[dossier.pk])
    settings.ESMSNUM_CLOCK = "2024-10-01T10:00:00+04:00"
    assert "Aucune campagne ouverte" in client.get(reverse("dossiers:create")).content.decode()


def test_project_form_with_htmx_answers_the_form_and_triggers_the_evaluation(client, world):
    dossier = dossier_for(world)
    url = reverse("dossiers:projet", args=[dossier.pk])
    data = {
        "title": "Projet renommé",
        "project_type": "acquisition",
        "solution_name": "Kiosque DUI",
        "solution_segur_referenced": "on",
        "solution_segur_corridor": "medico-social",
        "services_socles": ["mssante", "dmp"],
        "amoa_quote_eur": "",
    }
    response = client.post(url, data, **HTMX)
    assert response.status_code == 200
    assert response["HX-Trigger"] == "evaluation-changed"
    assert 'id="project-form"' in response.content.decode()
    assert "<html" not in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.title == "Projet renommé"
    assert dossier.services_socles == ["mssante", "dmp"]
    assert dossier.verdict in {"eligible", "needs_review"}
    panel = client.get(reverse("dossiers:evaluation", args=[dossier.pk])).content.decode()
    assert "Financement calculé" in panel
    # An invalid amount is refused with a French message, nothing saved, no refresh.
    response = client.post(url, {**data, "amoa_quote_eur": "-5"}, **HTMX)
    assert "HX-Trigger" not in response
    assert "supérieure ou égale à 0" in response.content.decode()


def test_search_and_add_with_htmx(client, world):
    dossier = dossier_for(world)
    target = EstablishmentFactory(organisation=world.other_org, name="EHPAD LES GOYAVIERS", commune="SAINT-PAUL")
    EstablishmentFactory(organisation=world.other_org, name="EHPAD FERME", is_open=False)
    results = client.get(reverse("dossiers:search", args=[dossier.pk]), {"q": "goyaviers"}).content.decode()
    assert "EHPAD LES GOYAVIERS" in results
    assert target.finess_et in results
    closed = client.get(reverse("dossiers:search", args=[dossier.pk]), {"q": "ferme"}).content.decode()
    assert "EHPAD FERME" not in closed
    add_url = reverse("dossiers:add_establishment", args=[dossier.pk])
    response = client.post(add_url, {"establishment": target.pk}, **HTMX)
    assert response["HX-Trigger"] == "evaluation-changed"
    assert "ajouté au projet" in response.content.decode()
    assert GrappeMember.objects.filter(dossier=dossier, organisation=world.other_org).exists()
    # without htmx: a redirect to the grappe page
    assert client.post(add_url, {"establishment": target.pk}).status_code == 302


def test_add_an_organisation_with_its_establishments(client, world):
    dossier = dossier_for(world)
    for _ in range(3):
        EstablishmentFactory(organisation=world.other_org)
    client.post(
        reverse("dossiers:add_organisation", args=[dossier.pk]), {"organisation": world.other_org.pk, "avec_essms": "1"}
    )
    assert dossier.establishments.filter(establishment__organisation=world.other_org).count() == 3


def test_essms_grid_saves_every_row(client, world):
    dossier = dossier_for(world)
    entries = list(dossier.establishments.order_by("id"))
    data = {"formulaire": "et", "et-TOTAL_FORMS": "2", "et-INITIAL_FORMS": "2"}
    for index, entry in enumerate(entries):
        data |= {
            f"et-{index}-id": entry.pk,
            f"et-{index}-situation": "upgrade",
            f"et-{index}-current_solution": "Logiciel Y" if index == 0 else "",
            f"et-{index}-hosting": "on_premise",
            f"et-{index}-hardware_quote_eur": "1000",
        }
    response = client.post(reverse("dossiers:grappe", args=[dossier.pk]), data)
    assert response.status_code == 200  # the second row lacks its current software
    assert "Indiquez le logiciel conservé" in response.content.decode()
    data["et-1-current_solution"] = "Logiciel Y"
    response = client.post(reverse("dossiers:grappe", args=[dossier.pk]), data)
    assert response.status_code == 302
    assert set(dossier.establishments.values_list("situation", "hosting", "hardware_quote_eur")) == {
        ("upgrade", "on_premise", Decimal("1000.00"))
    }


def test_saad_details_are_checked(client, world):
    dossier = dossier_for(world)
    saad = EstablishmentFactory(organisation=world.porteur_org, category=category("460"))
    entry = DossierEstablishment.objects.create(dossier=dossier, establishment=saad, situation="acquisition")
    url = reverse("dossiers:establishment", args=[dossier.pk, entry.pk])
    base = {"situation": "acquisition", "hosting": "saas"}
    response = client.post(url, {**base, "saad_hours_total": "100", "saad_hours_medico_social": "150"})
    assert "ne peuvent dépasser le total" in response.content.decode()
    response = client.post(
        url,
        {**base, "saad_hours_total": "100", "saad_hours_medico_social": "60", "prior_campaign": "amorcage-2021-t2",
         "prior_solution": "Logiciel X", "prior_operation": "acquisition"},
    )  # fmt: skip
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.saad_hours_total, entry.saad_hours_medico_social) == (Decimal("100"), Decimal("60"))
    assert entry.prior_funding == [
        {"campaign": "amorcage-2021-t2", "solution": "Logiciel X", "operation": "acquisition"}
    ]
    # a non-SAAD has no hours fields
    other = dossier.establishments.exclude(pk=entry.pk).first()
    page = client.get(reverse("dossiers:establishment", args=[dossier.pk, other.pk])).content.decode()
    assert "saad_hours_total" not in page


def test_uploads_through_the_page(client, world):
    dossier = dossier_for(world)
    url = reverse("dossiers:pieces", args=[dossier.pk])
    disguised = SimpleUploadedFile("note.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    response = client.post(url, {"piece_code": "presentation", "file": disguised})
    assert response.status_code == 200
    assert "n'est pas d'un format accepté" in html.unescape(response.content.decode())
    big = SimpleUploadedFile("gros.pdf", b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024), content_type="application/pdf")
    response = client.post(url, {"piece_code": "presentation", "file": big})
    assert "taille maximale est de 20 Mo" in response.content.decode()
    assert not dossier.documents.exists()
    good = SimpleUploadedFile("Note de présentation.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(url, {"piece_code": "presentation", "file": good})
    assert response.status_code == 302
    document = dossier.documents.get()
    download = client.get(reverse("dossiers:document", args=[dossier.pk, document.pk]))
    assert b"".join(download.streaming_content) == PDF_BYTES
    client.post(reverse("dossiers:delete_document", args=[dossier.pk, document.pk]))
    assert not dossier.documents.exists()


def test_filing_an_incomplete_dossier_shows_the_reasons(client, world):
    dossier = dossier_for(world)
    response = client.post(reverse("dossiers:action", args=[dossier.pk, "file"]), follow=True)
    page = response.content.decode()
    assert "Le dossier ne peut pas être déposé." in page
    assert "Pièce obligatoire manquante" in page
    dossier.refresh_from_db()
    assert dossier.status == Status.DRAFT


def test_message_thread(client, world):
    dossier = dossier_for(world, status=Status.UNDER_INSTRUCTION)
    client.post(reverse("dossiers:message", args=[dossier.pk]), {"body": "Une question sur le planning."})
    client.logout()
    client.force_login(world.users.instructor)
    page = client.get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()
    assert "Une question sur le planning." in page
    client.logout()
    client.force_login(world.users.national)
    assert client.post(reverse("dossiers:message", args=[dossier.pk]), {"body": "Hors rôle"}).status_code == 403
