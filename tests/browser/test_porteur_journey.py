"""The porteur journey end to end in Chromium, on the demo data: sign in, create a dossier, compose the grappe from
the FINESS referential, describe the ESSMS, upload the pieces, watch the live evaluation, file; and the refusal
after the deadline. Screenshots of the main pages go to $ESMSNUM_SCREENSHOTS."""

import re

import pytest
from playwright.sync_api import expect

from esmsnum.demo.dossiers import demo_pdf
from esmsnum.dossiers.models import Dossier, Status

AFTER_DEADLINE = "2024-09-16T00:00:01+04:00"


def _save_essms_rows(page):
    rows = page.locator("[data-testid^='essms-']")
    for index in range(rows.count()):
        row = rows.nth(index)
        row.get_by_label("Situation").select_option("acquisition")
        row.get_by_label("Hébergement").select_option("saas")
    page.get_by_role("button", name="Enregistrer les ESSMS").click()
    expect(page.get_by_text("ESSMS enregistrés.")).to_be_visible()


def test_porteur_creates_composes_and_files_a_dossier(page, demo, login, shoot, tmp_path):
    login(page, "porteur")
    page.get_by_role("link", name="Dossiers", exact=True).first.click()
    expect(page.get_by_role("heading", name="Mes dossiers")).to_be_visible()
    shoot(page, "01-liste-porteur")

    # Create a dossier for the open campaign.
    page.get_by_role("link", name="Nouveau dossier").click()
    page.get_by_label("Campagne").select_option("generalisation-2024")
    page.get_by_label("Intitulé du projet").fill("DUI commun de test")
    shoot(page, "02-nouveau-dossier")
    page.get_by_role("button", name="Créer le dossier").click()
    expect(page.get_by_role("heading", name="DUI commun de test")).to_be_visible()
    dossier = Dossier.objects.get(title="DUI commun de test")
    assert dossier.status == Status.DRAFT

    # Step 1: the project and the solution, saved with htmx; the evaluation panel refreshes.
    # DSFR draws its checkboxes over the input with the label: tick them with force=True.
    page.get_by_label("Type de projet").select_option("acquisition")
    page.get_by_label("Logiciel DUI retenu").fill("Kiosque DUI")
    page.get_by_role("checkbox", name="Référencé Ségur vague 1", exact=True).check(force=True)
    page.get_by_label("Couloir de référencement Ségur").select_option("medico-social")
    page.get_by_role("checkbox", name="Disponible au marché national (RESAH)", exact=True).check(force=True)
    page.get_by_role("checkbox", name="Messagerie sécurisée de santé (MSSanté)", exact=True).check(force=True)
    page.get_by_role("checkbox", name="Dossier médical partagé (DMP / Mon espace santé)", exact=True).check(force=True)
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_text("Projet enregistré : l’évaluation est à jour.")).to_be_visible()
    panel = page.locator("#evaluation-panel")
    expect(panel).to_contain_text("Dossier incomplet")  # no ESSMS yet
    expect(panel).to_contain_text("ESSMS du projet")
    shoot(page, "03-projet")

    # Step 2: compose the grappe by searching the referential (name, FINESS number, organisation).
    page.get_by_role("link", name="2. Grappe et ESSMS").click()
    search = page.get_by_placeholder("N° FINESS, nom ou commune (ex. : EHPAD Saint-Pierre)")
    search.fill("Bois de Nèfles")
    results = page.locator("#search-results")
    expect(results).to_contain_text("EHPAD Bois de Nèfles")
    results.get_by_role("button", name=re.compile(r"^Ajouter EHPAD Bois de Nèfles")).click()
    expect(page.locator("#grappe-sections")).to_contain_text("EHPAD Bois de Nèfles ajouté au projet.")
    expect(panel).to_contain_text("À EXAMINER PAR L'ARS", ignore_case=True)  # evaluation refreshed by htmx
    expect(panel).to_contain_text("1 ESSMS")
    from esmsnum.referential.models import Establishment

    flamboyants = Establishment.objects.get(long_name="EHPAD Les Flamboyants")
    search.fill(flamboyants.finess_et)
    results.get_by_role("button", name=re.compile(r"^Ajouter EHPAD Les Flamboyants")).click()
    expect(page.locator("#grappe-sections")).to_contain_text("EHPAD Les Flamboyants ajouté au projet.")
    search.fill("Lagon Bleu")
    expect(results).to_contain_text("Association Lagon Bleu Handicap")
    results.get_by_role("button", name="Ajouter avec ses ESSMS").first.click()
    expect(page.locator("#grappe-sections")).to_contain_text(
        "Association Lagon Bleu Handicap ajouté à la grappe avec 3 ESSMS."
    )
    expect(page.locator("[data-testid^='essms-']")).to_have_count(5)
    expect(panel).to_contain_text("5 ESSMS")
    _save_essms_rows(page)
    shoot(page, "04-grappe")

    # Details of one ESSMS: the hardware quote.
    page.locator("[data-testid^='essms-']").first.get_by_role("link", name="Détails").click()
    page.get_by_label("Devis matériel (€)").fill("9000")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_text("enregistré.")).to_be_visible()

    # Step 3: pieces — a disguised file is refused by its content, real ones are accepted.
    page.get_by_role("link", name="3. Pièces justificatives").click()
    fake = tmp_path / "note.pdf"
    fake.write_bytes(b"MZ\x90\x00 not a pdf at all")
    first = page.locator("#piece-presentation")
    first.locator("input[type=file]").set_input_files(str(fake))
    first.get_by_role("button", name="Téléverser").click()
    expect(page.locator("#piece-presentation")).to_contain_text("n'est pas d'un format accepté")
    pieces = page.locator("section.piece")
    codes = [pieces.nth(i).get_attribute("id").removeprefix("piece-") for i in range(pieces.count())]
    mandatory = [c for c in codes if "obligatoire" in page.locator(f"#piece-{c} .fr-badge").first.inner_text().lower()]
    assert len(mandatory) == 10
    for code in mandatory:
        path = tmp_path / f"{code}.pdf"
        path.write_bytes(demo_pdf(code))
        section = page.locator(f"#piece-{code}")
        section.locator("input[type=file]").set_input_files(str(path))
        section.get_by_role("button", name="Téléverser").click()
        expect(page.locator(f"#piece-{code}")).to_contain_text("Fournie")
    shoot(page, "05-pieces")
    with page.expect_download() as download:
        page.locator("#piece-presentation").get_by_role("link", name="presentation.pdf").click()
    assert download.value.suggested_filename == "presentation.pdf"

    # Step 4: check and file.
    page.get_by_role("link", name="4. Vérification et dépôt").click()
    expect(page.get_by_text("Le dossier est complet")).to_be_visible()
    expect(panel.get_by_test_id("total")).to_contain_text("€")
    shoot(page, "06-depot")
    page.get_by_role("button", name="Déposer le dossier").click()
    expect(page.get_by_text(re.compile(r"Votre dossier EN-\d+ est déposé"))).to_be_visible()
    dossier.refresh_from_db()
    assert dossier.status == Status.FILED
    assert dossier.filed_at is not None
    assert dossier.window == "regional_1"
    assert dossier.verdict in {"eligible", "needs_review"}
    assert dossier.essms_count == 5
    shoot(page, "07-dossier-depose")

    # Read-only after filing.
    expect(page.get_by_role("link", name="Modifier le dossier")).to_have_count(0)
    response = page.goto(f"/dossiers/{dossier.pk}/projet/")
    assert response.status == 403
    expect(page.get_by_text("n'est plus modifiable")).to_be_visible()

    # The member of the grappe sees it read-only; another region's instructor does not see it at all.
    page.context.clear_cookies()
    login(page, "porteur.lagon")
    page.goto(f"/dossiers/{dossier.pk}/")
    expect(page.get_by_role("heading", name="DUI commun de test")).to_be_visible()
    assert page.goto(f"/dossiers/{dossier.pk}/grappe/").status == 403
    page.context.clear_cookies()
    login(page, "instructeur.hdf")
    assert page.goto(f"/dossiers/{dossier.pk}/").status == 404


def test_filing_after_the_deadline_is_refused_with_the_reason(page, demo, login, shoot, settings):
    login(page, "porteur")
    draft = Dossier.objects.get(status=Status.DRAFT, porteur__users__username="porteur")
    page.goto(f"/dossiers/{draft.pk}/pieces/")
    # Complete the demo draft's pieces while the campaign is open.
    from django.core.files.uploadedfile import SimpleUploadedFile

    from esmsnum.accounts.models import User
    from esmsnum.dossiers import services

    porteur = User.objects.get(username="porteur")
    for piece in services.piece_requirements(draft):
        if piece.mandatory:
            upload = SimpleUploadedFile(f"{piece.code}.pdf", demo_pdf(piece.label))
            services.upload_document(draft, by=porteur, piece_code=piece.code, uploaded_file=upload)
    page.goto(f"/dossiers/{draft.pk}/depot/")
    expect(page.get_by_text("Le dossier est complet")).to_be_visible()

    settings.ESMSNUM_CLOCK = AFTER_DEADLINE
    page.reload()
    expect(page.locator("#filing-problems")).to_contain_text(
        "La date limite de dépôt était le 15/09/2024 à minuit (heure de La Réunion)"
    )
    page.get_by_role("button", name="Déposer le dossier").click()
    alert = page.locator(".fr-alert--error").first
    expect(alert).to_contain_text("Le dossier ne peut pas être déposé.")
    expect(alert).to_contain_text("15/09/2024 à minuit")
    shoot(page, "08-depot-refuse-apres-cloture")
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert not draft.transitions.exists()


@pytest.mark.parametrize("username", ["instructeur", "national"])
def test_other_roles_see_the_demo_dossiers_read_only(page, demo, login, shoot, username):
    login(page, username)
    page.goto("/dossiers/")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(6)  # every state but the draft
    expect(page.get_by_text("Brouillon", exact=True)).to_have_count(0)
    more_info = Dossier.objects.get(status=Status.MORE_INFO_REQUESTED)
    page.goto(f"/dossiers/{more_info.pk}/")
    expect(page.locator("#messages")).to_contain_text("déclaration des heures médico-sociales")
    if username == "instructeur":
        expect(page.get_by_role("button", name="Reprendre l'instruction")).to_be_visible()
        shoot(page, "09-dossier-vu-par-instructeur")
    else:
        expect(page.locator("#actions-title")).to_have_count(0)
    assert page.goto(f"/dossiers/{more_info.pk}/projet/").status == 403
