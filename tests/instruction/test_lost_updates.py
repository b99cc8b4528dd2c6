"""Two instructors amending the same decision: the second, working from a stale page, is told instead of
silently overwriting the first one's change (optimistic lock on the decision's version)."""

import html
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from esmsnum.dossiers.models import Status
from esmsnum.instruction import services
from esmsnum.instruction.models import CommitteeDecision
from tests.dossiers.factories import UserFactory

from .conftest import make_dossier

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(world, session):
    dossier = make_dossier(world)
    services.send_to_committee(dossier, by=world.users.instructor)
    services.decide(dossier, by=world.users.instructor, session=session, group="A", amount=Decimal("40000"))
    dossier.refresh_from_db()
    assert dossier.status == Status.DECIDED
    return dossier


def test_second_amendment_from_a_stale_page_is_refused(client, world, session, decided):
    colleague = UserFactory(username="instructrice.2", role=world.users.instructor.role, region=world.reunion)
    url = reverse("instruction:decide", args=[decided.pk])
    page = client
    page.force_login(world.users.instructor)
    shown = page.get(reverse("instruction:dossier", args=[decided.pk])).content.decode()
    assert 'name="version" value="1"' in shown
    # both opened the page at version 1; the colleague saves first
    other = Client()
    other.force_login(colleague)
    response = other.post(url, {"session": session.pk, "group": "B", "amount": "", "version": "1"})
    assert response.status_code == 302
    response = page.post(url, {"session": session.pk, "group": "A", "amount": "30000", "version": "1"})
    assert response.status_code == 400
    text = html.unescape(response.content.decode())
    assert "La décision a été modifiée" in text
    assert "rechargez la page" in text
    decision = CommitteeDecision.objects.get(dossier=decided)
    assert (decision.group, decision.amount_granted_eur, decision.version) == ("B", Decimal(0), 2)
    # after reloading (version 2) the change goes through
    response = page.post(url, {"session": session.pk, "group": "A", "amount": "30000", "version": "2"})
    assert response.status_code == 302
    decision.refresh_from_db()
    assert (decision.group, decision.amount_granted_eur, decision.version) == ("A", Decimal("30000"), 3)


def test_a_first_decision_made_meanwhile_is_not_overwritten(world, session):
    dossier = make_dossier(world)
    services.send_to_committee(dossier, by=world.users.instructor)
    services.decide(dossier, by=world.users.instructor, session=session, group="C", amount=0, expected_version=0)
    with pytest.raises(services.InstructionError, match="La décision a été modifiée"):
        services.decide(
            dossier, by=world.users.instructor, session=session, group="A", amount="1000", expected_version=0
        )
    assert CommitteeDecision.objects.get(dossier=dossier).group == "C"
