"""``Dossier.objects.visible_to(user)`` agrees with ``can_view_dossier``; the list and detail joins load once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from esmsnum.dossiers.models import Dossier, Status
from esmsnum.dossiers.permissions import can_view_dossier

from .factories import DossierFactory, OrganisationFactory, department, dossier_for, make_world

pytestmark = pytest.mark.django_db


def test_visible_to_agrees_with_the_permission_for_every_role():
    world = make_world()
    dossiers = [
        dossier_for(world),
        dossier_for(world, status=Status.FILED),
        DossierFactory(porteur=world.other_org, status=Status.UNDER_INSTRUCTION),
        DossierFactory(porteur=OrganisationFactory(department=department("59")), status=Status.FILED),
    ]
    for user in vars(world.users).values():
        visible = set(Dossier.objects.visible_to(user).values_list("pk", flat=True))
        assert visible == {d.pk for d in dossiers if can_view_dossier(user, d)}, user.username


def test_for_list_and_for_detail_load_the_region_and_porteur_in_the_same_query():
    world = make_world()
    for _ in range(3):
        dossier_for(world)
    for queryset in (Dossier.objects.for_list(), Dossier.objects.for_detail()):
        with CaptureQueriesContext(connection) as queries:
            names = [(d.region.name, d.porteur.name) for d in queryset]
        assert len(names) == 3
        assert len(queries) == 1
