"""The instruction journey end to end in Chromium, on the demo data: the ARS instructor filters the list, opens a
filed dossier, takes it into instruction, scores it, asks the porteur for more information (the porteur answers),
sends it to the committee, decides group A with a recommendation (above the envelope: refused, then allowed with a
logged override), notifies; the porteur downloads the decision letter. Screenshots go to $ESMSNUM_SCREENSHOTS."""

from playwright.sync_api import expect

from esmsnum.dossiers.models import Dossier, Status
from esmsnum.instruction.models import CommitteeSession


def test_instruction_journey(page, browser, live_server, demo, login, shoot, tmp_path):
    filed = Dossier.objects.get(status=Status.FILED)
    login(page, "instructeur")
    page.get_by_role("link", name="Instruction et comités de sélection").click()
    expect(page.get_by_role("heading", name="Dossiers de la région La Réunion")).to_be_visible()
    rows = page.locator("#dossiers tbody tr[data-reference]")
    expect(rows).to_have_count(Dossier.objects.exclude(status=Status.DRAFT).count())
    shoot(page, "20-instruction-liste")

    # Filters: the filed dossiers of the first window.
    page.get_by_label("État").select_option("filed")
    page.get_by_label("Fenêtre de sélection").select_option("regional_1")
    page.get_by_role("button", name="Filtrer").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(filed.title)
    rows.first.get_by_role("link", name=filed.reference).click()
    expect(page.get_by_role("heading", name=filed.title, exact=True)).to_be_visible()
    expect(page.locator("#moteur")).to_contain_text("Conforme")
    expect(page.locator("#referentiel")).to_contain_text("conforme")
    shoot(page, "21-instruction-dossier-depose")

    # Into instruction.
    page.get_by_role("button", name="Passer en instruction").click()
    expect(page.locator("#etat")).to_have_text("En instruction")

    # Scoring grid: htmx recalculates the score as marks are chosen, then the grid is saved.
    page.get_by_label("Note — Solution mutualisée").select_option("5")
    expect(page.locator("#score-result")).to_contain_text("Calcul provisoire")
    expect(page.locator("#score-result")).to_contain_text("44,44 / 100")  # 5 × 2 / (5 × 4.5)
    page.get_by_label("Note — Champs du social", exact=False).select_option("3")
    page.get_by_label("Note — Mise en exergue", exact=False).select_option("4")
    expect(page.locator("#score-result")).to_contain_text("84,44 / 100")
    page.get_by_role("button", name="Enregistrer la grille").click()
    expect(page.get_by_text("Grille de priorisation enregistrée.")).to_be_visible()
    expect(page.locator("#score-result")).to_contain_text("84,44 / 100")
    shoot(page, "22-instruction-grille")

    # Request for more information: the dossier reopens for the porteur.
    page.get_by_label("Compléments demandés au porteur").fill("Merci de joindre le devis matériel signé des SSIAD.")
    page.get_by_role("button", name="Demander des compléments").click()
    expect(page.locator("#etat")).to_have_text("Compléments demandés")
    expect(page.locator("#echanges")).to_contain_text("Merci de joindre le devis matériel signé des SSIAD.")

    # The porteur answers from its own session.
    porteur_context = browser.new_context(
        locale="fr-FR", timezone_id="Indian/Reunion", viewport={"width": 1280, "height": 900}, base_url=live_server.url
    )
    try:
        porteur = porteur_context.new_page()
        login(porteur, "porteur")
        porteur.goto(f"/dossiers/{filed.pk}/")
        expect(porteur.locator("#messages")).to_contain_text("Merci de joindre le devis matériel signé des SSIAD.")
        porteur.get_by_role("link", name="Transmettre les compléments").click()
        porteur.get_by_label("Message à l’ARS (facultatif)", exact=False).fill("Devis signés joints, merci.")
        porteur.get_by_role("button", name="Transmettre les compléments").click()
        filed.refresh_from_db()
        assert filed.status == Status.UNDER_INSTRUCTION

        # Back to the ARS: the answer is in the thread; to the committee.
        page.reload()
        expect(page.locator("#etat")).to_have_text("En instruction")
        expect(page.locator("#echanges")).to_contain_text("Devis signés joints, merci.")
        page.get_by_role("button", name="Inscrire au comité de sélection").click()
        expect(page.locator("#etat")).to_have_text("En comité de sélection")

        # Decision: group A with a recommendation. The amount takes the envelope above its limit: refused without a
        # reason, then allowed with a motivated override that is logged.
        page.get_by_label("Groupe A — projet proposé pour financement").check(force=True)
        page.get_by_label("Recommandations ou points de vigilance", exact=False).fill(
            "Désigner un référent DUI dans chaque ESSMS ; suivre les cibles d'usage MSSanté."
        )
        page.get_by_role("button", name="Enregistrer la décision").click()
        expect(page.locator("#decision-form")).to_contain_text("dépasserait l'enveloppe régionale")
        page.get_by_label("Motif de dépassement de l'enveloppe", exact=False).fill(
            "Crédits complémentaires notifiés par la CNSA pour la 1re fenêtre."
        )
        page.get_by_role("button", name="Enregistrer la décision").click()
        expect(page.get_by_text("La décision du comité est enregistrée.")).to_be_visible()
        expect(page.locator("#etat")).to_have_text("Décidé")
        expect(page.locator("#audit")).to_contain_text("Dépassement de l'enveloppe")
        shoot(page, "23-instruction-decision")

        # The committee: dossiers by score, running total against the envelope.
        session = CommitteeSession.objects.get(region_id="04", window_code="regional_1")
        page.goto(f"/instruction/comites/{session.pk}/")
        expect(page.locator("#classement")).to_contain_text(filed.reference)
        expect(page.locator("#classement")).to_contain_text("dérogation")
        shoot(page, "24-comite")

        # Notification: the letter is generated and the dossier is notified.
        page.goto(f"/instruction/dossiers/{filed.pk}/")
        page.get_by_role("button", name="Générer le courrier et notifier le porteur").click()
        expect(page.get_by_text("Le courrier de décision est généré ; le porteur est notifié.")).to_be_visible()
        expect(page.locator("#etat")).to_have_text("Notifié")

        # The porteur downloads the letter.
        porteur.goto(f"/dossiers/{filed.pk}/")
        expect(porteur.locator("#decision")).to_contain_text("Groupe A")
        shoot(porteur, "25-porteur-decision")
        with porteur.expect_download() as download:
            porteur.get_by_role("link", name="Télécharger le courrier de décision", exact=False).click()
        path = tmp_path / "courrier.pdf"
        download.value.save_as(path)
        assert path.read_bytes().startswith(b"%PDF-")
        assert download.value.suggested_filename == f"decision-{filed.reference}.pdf"
    finally:
        porteur_context.close()


def test_national_office_reads_without_acting(page, demo, login, shoot):
    login(page, "national")
    page.goto("/instruction/dossiers/")
    expect(page.get_by_text("Lecture seule — toutes les régions")).to_be_visible()
    decided = Dossier.objects.get(status=Status.DECIDED)
    page.goto(f"/instruction/dossiers/{decided.pk}/")
    expect(page.get_by_text("Lecture seule", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Enregistrer la grille")).to_have_count(0)
    expect(page.get_by_role("button", name="Générer le courrier et notifier le porteur")).to_have_count(0)
    shoot(page, "26-national-dossier-decide")


def test_other_region_sees_nothing(page, demo, login):
    login(page, "instructeur.hdf")
    page.goto("/instruction/dossiers/")
    expect(page.locator("#dossiers tbody tr[data-reference]")).to_have_count(0)
    decided = Dossier.objects.get(status=Status.DECIDED)
    response = page.goto(f"/instruction/dossiers/{decided.pk}/")
    assert response.status == 404
