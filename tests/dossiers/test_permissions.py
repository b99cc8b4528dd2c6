"""Every permission function, for every role, on dossiers of one's own organisation, grappe, region or not."""

import pytest

from esmsnum.dossiers import permissions as perms
from esmsnum.dossiers.models import Document, Status

from .factories import dossier_for, make_world

pytestmark = pytest.mark.django_db

ALL = ["porteur", "member", "other", "instructor", "instructor_other", "grades", "national", "admin"]


@pytest.fixture
def world():
    return make_world()


def allowed(world, function, dossier) -> set[str]:
    return {name for name in ALL if function(getattr(world.users, name), dossier)}


def test_permission_is_truthy_and_carries_a_french_reason(world):
    dossier = dossier_for(world)
    denied = perms.can_view_dossier(world.users.other, dossier)
    assert not denied
    assert "n'appartient pas à votre organisme" in denied.reason
    assert perms.can_view_dossier(world.users.porteur, dossier)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (Status.DRAFT, {"porteur", "member", "admin"}),
        (Status.FILED, {"porteur", "member", "instructor", "grades", "national", "admin"}),
        (Status.NOTIFIED, {"porteur", "member", "instructor", "grades", "national", "admin"}),
    ],
)
def test_can_view_dossier(world, status, expected):
    dossier = dossier_for(world, status=status)
    assert allowed(world, perms.can_view_dossier, dossier) == expected
    visible = {name for name in ALL if perms.dossiers_visible_to(getattr(world.users, name)).filter(pk=dossier.pk)}
    assert visible == expected


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (Status.DRAFT, {"porteur"}),
        (Status.MORE_INFO_REQUESTED, {"porteur"}),
        (Status.FILED, set()),
        (Status.UNDER_INSTRUCTION, set()),
        (Status.DECIDED, set()),
    ],
)
def test_can_edit_and_upload(world, status, expected):
    dossier = dossier_for(world, status=status)
    assert allowed(world, perms.can_edit_dossier, dossier) == expected
    assert allowed(world, perms.can_upload_document, dossier) == expected


def test_edit_reasons(world):
    dossier = dossier_for(world, status=Status.FILED)
    assert "plus modifiable" in perms.can_edit_dossier(world.users.porteur, dossier).reason
    assert "Seul l'organisme porteur" in perms.can_edit_dossier(world.users.member, dossier).reason


def test_can_file_and_submit_complements(world):
    draft = dossier_for(world)
    assert allowed(world, perms.can_file, draft) == {"porteur"}
    assert allowed(world, perms.can_submit_complements, draft) == set()
    waiting = dossier_for(world, status=Status.MORE_INFO_REQUESTED)
    assert allowed(world, perms.can_file, waiting) == set()
    assert allowed(world, perms.can_submit_complements, waiting) == {"porteur"}


@pytest.mark.parametrize("status", [Status.FILED, Status.UNDER_INSTRUCTION, Status.IN_COMMITTEE])
def test_can_instruct(world, status):
    dossier = dossier_for(world, status=status)
    assert allowed(world, perms.can_instruct, dossier) == {"instructor", "admin"}
    assert perms.can_instruct(world.users.instructor_other, dossier).reason == "Ce dossier relève d'une autre région."


def test_nobody_instructs_a_draft(world):
    assert allowed(world, perms.can_instruct, dossier_for(world)) == set()


def test_can_decide_only_in_committee(world):
    assert allowed(world, perms.can_decide, dossier_for(world, status=Status.IN_COMMITTEE)) == {"instructor", "admin"}
    assert allowed(world, perms.can_decide, dossier_for(world, status=Status.UNDER_INSTRUCTION)) == set()


def test_can_post_message(world):
    assert allowed(world, perms.can_post_message, dossier_for(world)) == set()
    filed = dossier_for(world, status=Status.MORE_INFO_REQUESTED)
    assert allowed(world, perms.can_post_message, filed) == {"porteur", "instructor", "admin"}


def test_documents_follow_the_dossier(world):
    dossier = dossier_for(world, status=Status.FILED)
    document = Document(dossier=dossier, piece_code="note", original_name="n.pdf", size=1, sha256="0" * 64)
    assert allowed(world, perms.can_view_document, document) == allowed(world, perms.can_view_dossier, dossier)
    assert allowed(world, perms.can_delete_document, document) == set()


def test_can_create_dossier(world):
    assert allowed(world, lambda user, _: perms.can_create_dossier(user), None) == {"porteur", "member", "other"}


def test_anonymous_and_inactive_users_see_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    dossier = dossier_for(world, status=Status.FILED)
    assert not perms.can_view_dossier(AnonymousUser(), dossier)
    assert not perms.dossiers_visible_to(AnonymousUser()).exists()
    world.users.instructor.is_active = False
    assert not perms.can_view_dossier(world.users.instructor, dossier)


def test_regional_users_without_region_see_nothing(world):
    from esmsnum.accounts.models import Role

    national_like = world.users.national
    national_like.role = Role.INSTRUCTOR  # an inconsistent account (no region) must not see everything
    dossier_for(world, status=Status.FILED)
    assert not perms.dossiers_visible_to(national_like).exists()


def test_visible_list_has_no_duplicates_and_no_other_region(world):
    for _ in range(3):
        dossier_for(world, status=Status.FILED)
    assert perms.dossiers_visible_to(world.users.member).count() == 3
    assert perms.dossiers_visible_to(world.users.instructor_other).count() == 0
    assert perms.dossiers_visible_to(world.users.other).count() == 0
