"""Double submits and lost updates (issue #13): one dossier per creation form, no silent overwrite of a decision."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from esmsnum.dossiers.models import Dossier, Status
from esmsnum.instruction import services
from esmsnum.instruction.models import CommitteeDecision
from tests.dossiers.factories import make_world
from tests.instruction.conftest import make_dossier

pytestmark = pytest.mark.django_db
CAMPAIGN = "generalisation-2024"


def test_the_same_creation_form_posted_twice_creates_one_dossier(client, settings):
    settings.ESMSNUM_CLOCK = "2024-05-20T10:00:00+04:00"
    world = make_world()
    client.force_login(world.users.porteur)
    page = client.get(reverse("dossiers:create")).content.decode()
    token = re.search(r'name="request_token" value="([0-9a-f-]+)"', page).group(1)
    data = {"campaign": CAMPAIGN, "title": "Mon projet", "request_token": token}
    first = client.post(reverse("dossiers:create"), data)
    second = client.post(reverse("dossiers:create"), data)
    assert Dossier.objects.filter(title="Mon projet").count() == 1
    assert first["Location"] == second["Location"]
    # a new form (new token) creates a new dossier
    again = client.get(reverse("dossiers:create")).content.decode()
    other = re.search(r'name="request_token" value="([0-9a-f-]+)"', again).group(1)
    assert other != token
    client.post(reverse("dossiers:create"), {**data, "request_token": other})
    assert Dossier.objects.filter(title="Mon projet").count() == 2


def test_a_concurrent_amendment_of_a_decision_is_detected():
    from esmsnum.instruction.models import CommitteeSession

    world = make_world()
    session = CommitteeSession.objects.create(
        region=world.reunion,
        campaign=CAMPAIGN,
        window_code="regional_1",
        date="2024-06-20",
        envelope_eur=Decimal("100000.00"),
    )
    dossier = make_dossier(world, status=Status.IN_COMMITTEE)
    services.decide(dossier, by=world.users.instructor, session=session, group="A", amount="40000", expected_version=0)
    seen = CommitteeDecision.objects.get().version  # both instructors open the page: version 1
    services.decide(dossier, by=world.users.instructor, session=session, group="B", amount=0, expected_version=seen)
    with pytest.raises(services.InstructionError, match="modifiée entre-temps"):
        services.decide(
            dossier, by=world.users.instructor, session=session, group="A", amount="30000", expected_version=seen
        )
    decision = CommitteeDecision.objects.get()
    assert (decision.group, decision.version) == ("B", 2)


def test_a_decision_recorded_meanwhile_is_not_overwritten():
    from esmsnum.instruction.models import CommitteeSession

    world = make_world()
    session = CommitteeSession.objects.create(
        region=world.reunion,
        campaign=CAMPAIGN,
        window_code="regional_1",
        date="2024-06-20",
        envelope_eur=Decimal("100000.00"),
    )
    dossier = make_dossier(world, status=Status.IN_COMMITTEE)
    services.decide(dossier, by=world.users.instructor, session=session, group="A", amount="40000", expected_version=0)
    with pytest.raises(services.InstructionError, match="entre-temps"):
        services.decide(dossier, by=world.users.instructor, session=session, group="D", amount=0, expected_version=0)
    assert CommitteeDecision.objects.get().group == "A"
