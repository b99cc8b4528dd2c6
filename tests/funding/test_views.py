"""The funding page: porteur and ARS see the tranches with what is missing; each acts through its forms."""

import pytest
from django.urls import reverse

from esmsnum.funding import selectors, services
from esmsnum.funding.models import Milestone, PaymentOrder

from .conftest import fund, pdf
from .test_services import complete_2024, sign


def page(client, user, dossier):
    client.force_login(user)
    return client.get(reverse("funding:dossier", args=[dossier.pk]))


def test_who_sees_the_page(client, funded, users):
    for user, status in [
        (users.porteur, 200),
        (users.member, 200),
        (users.instructor, 200),
        (users.national, 200),
        (users.admin, 200),
        (users.other, 404),
        (users.instructor_other, 404),
    ]:
        assert page(client, user, funded).status_code == status, user


def test_tranches_with_what_is_missing_in_a_bounded_number_of_queries(
    client, funded, users, django_assert_max_num_queries
):
    client.force_login(users.porteur)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("funding:dossier", args=[funded.pk]))
    text = response.content.decode()
    assert "signature de la convention" in text
    assert "en attente" in text
    assert "52\u202f000,00" in text
    sign(funded, users)
    services.issue_payment_order(funded, by=users.instructor, tranche="advance", region="04")
    complete_2024(funded, users)
    with django_assert_max_num_queries(25):  # a whole project's records do not multiply the queries
        text = client.get(reverse("funding:dossier", args=[funded.pk])).content.decode()
    assert "versée" in text
    assert "à verser" in text


def test_ars_generates_and_records_the_signed_convention(client, funded, users):
    client.force_login(users.instructor)
    assert client.post(reverse("funding:generate", args=[funded.pk])).status_code == 302
    response = client.post(
        reverse("funding:sign", args=[funded.pk]), {"signed_on": "2024-11-04", "file": pdf("signee.pdf")}
    )
    assert response.status_code == 302
    assert selectors.project_schedule(funded).tranche("advance").status == "payable"
    download = client.get(reverse("funding:convention_file", args=[funded.pk, "signee"]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")  # reading closes the file
    client.force_login(users.porteur)
    forbidden = client.post(reverse("funding:generate", args=[funded.pk]))
    assert forbidden.status_code == 403


def test_order_from_the_page_and_refused_for_another_ars(client, world):
    users = world.users
    dossier = fund(world, by_region={"04": 1, "32": 1}, decisions={"04": 26000, "32": 26000})
    sign(dossier, users)
    client.force_login(users.instructor)
    text = client.get(reverse("funding:dossier", args=[dossier.pk])).content.decode()
    assert text.count("Émettre l’ordre de paiement") == 1  # its own share only
    response = client.post(reverse("funding:order", args=[dossier.pk]), {"tranche": "advance", "region": "32"})
    assert response.status_code == 403
    response = client.post(reverse("funding:order", args=[dossier.pk]), {"tranche": "advance", "region": "04"})
    assert response.status_code == 302
    assert PaymentOrder.objects.get().number == "OP-2025-04-0001"
    again = client.post(reverse("funding:order", args=[dossier.pk]), {"tranche": "advance", "region": "04"})
    assert again.status_code == 400
    assert "déjà fait l" in again.content.decode()
    client.force_login(users.instructor_other)  # the other paying ARS sees the page and orders its own share
    text = client.get(reverse("funding:dossier", args=[dossier.pk])).content.decode()
    assert text.count("Émettre l’ordre de paiement") == 1
    response = client.post(reverse("funding:order", args=[dossier.pk]), {"tranche": "advance", "region": "32"})
    assert response.status_code == 302
    assert PaymentOrder.objects.filter(region_id="32").get().number == "OP-2025-32-0001"


def test_porteur_declares_and_ars_asks_again(client, funded, users):
    sign(funded, users)
    client.force_login(users.porteur)
    response = client.post(
        reverse("funding:milestone", args=[funded.pk]),
        {"kind": "project_completed", "completed_on": "2025-06-30", "comment": ""},
    )
    assert response.status_code == 302
    milestone = Milestone.objects.get()
    client.force_login(users.instructor)
    url = reverse("funding:review", args=[funded.pk, "jalon", milestone.pk])
    assert client.post(url, {"accept": "0", "comment": ""}).status_code == 400
    assert client.post(url, {"accept": "0", "comment": "La date ne correspond pas au PV."}).status_code == 302
    milestone.refresh_from_db()
    assert milestone.status == "rejected"


@pytest.mark.parametrize(("role", "status"), [("instructor", 200), ("national", 200), ("porteur", 403)])
def test_orders_export(client, funded, users, role, status):
    client.force_login(getattr(users, role))
    response = client.get(reverse("funding:orders_csv"))
    assert response.status_code == status
    if status == 200:
        assert response.content.startswith(b"\xef\xbb\xbf")
        assert client.get(reverse("funding:orders_xlsx")).status_code == 200


def test_not_funded_dossier_says_why(client, world):
    from esmsnum.dossiers.models import Status

    dossier = fund(world, status=Status.DECIDED)
    response = page(client, world.users.instructor, dossier)
    assert "pas encore été notifié" in response.content.decode()


def test_recovery_and_withheld_forms(client, funded, users):
    from esmsnum.funding import services
    from esmsnum.funding.models import RecoveryOrder

    sign(funded, users)
    services.issue_payment_order(funded, by=users.instructor, tranche="advance", region="04")
    client.force_login(users.instructor)
    assert "Recouvrement" in client.get(reverse("funding:dossier", args=[funded.pk])).content.decode()
    refused = client.post(reverse("funding:recovery", args=[funded.pk]), {"reason": "Abandon"})
    assert refused.status_code == 400  # nothing paid beyond the final grant
    done = client.post(reverse("funding:recovery", args=[funded.pk]), {"reason": "Abandon", "abandoned": "on"})
    assert done.status_code == 302
    assert RecoveryOrder.objects.get().amount_eur == 26000
    not_withheld = client.post(
        reverse("funding:withheld", args=[funded.pk]), {"kind": "close", "reason": "Cibles non atteintes"}
    )
    assert not_withheld.status_code == 400
    client.force_login(users.porteur)
    assert client.post(reverse("funding:recovery", args=[funded.pk]), {"reason": "x"}).status_code == 403


def test_the_notified_dossier_page_links_to_its_funding(client, funded, users):
    client.force_login(users.porteur)
    text = client.get(reverse("dossiers:detail", args=[funded.pk])).content.decode()
    assert reverse("funding:dossier", args=[funded.pk]) in text
