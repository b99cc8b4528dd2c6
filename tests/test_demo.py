"""The demo data: a plausible La Réunion, valid FINESS numbers, one account per role, idempotent loading."""

import pytest
from click.testing import CliRunner

from esmsnum.cli import main
from esmsnum.domain.finess import is_valid_finess
from esmsnum.referential.models import Establishment, Organisation

pytestmark = pytest.mark.django_db(transaction=False)


def test_demo_load_is_idempotent_and_valid():
    runner = CliRunner()
    first = runner.invoke(main, ["demo", "load"])
    assert first.exit_code == 0, first.output
    counts = (Organisation.objects.count(), Establishment.objects.count())
    second = runner.invoke(main, ["demo", "load", "--if-empty"])
    assert second.exit_code == 0, second.output
    assert "déjà présentes" in second.output
    assert (Organisation.objects.count(), Establishment.objects.count()) == counts
    assert counts[1] >= 30
    for establishment in Establishment.objects.select_related("region", "category"):
        assert is_valid_finess(establishment.finess_et)
        assert is_valid_finess(establishment.organisation.finess_ej)
        assert establishment.region.code == "04"
    categories = set(Establishment.objects.values_list("category__code", flat=True))
    assert {"500", "354", "460", "183", "255"} <= categories


def test_demo_has_one_account_per_role():
    from esmsnum.accounts.models import Role, User

    CliRunner().invoke(main, ["demo", "load"])
    roles = set(User.objects.values_list("role", flat=True))
    assert roles == {choice.value for choice in Role}
    porteur = User.objects.get(username="porteur")
    assert porteur.check_password("demo-esms-numerique")
    assert porteur.organisation is not None
    assert User.objects.get(username="instructeur").region_id == "04"


@pytest.mark.parametrize(
    ("username", "affiliation"),
    [
        ("porteur", "Association Ti Kaz Gramoun"),
        ("instructeur", "ARS La Réunion"),
        ("grades", "GRADeS La Réunion"),
        ("national", "Équipe nationale du programme"),
        ("admin", "Administrateur"),
    ],
)
def test_header_shows_who_the_user_acts_for(client, username, affiliation):
    from esmsnum.accounts.models import User

    CliRunner().invoke(main, ["demo", "load"])
    user = User.objects.get(username=username)
    assert user.affiliation == affiliation
    assert str(user) != username  # a person's name, not the login
    client.force_login(user)
    page = client.get("/").content.decode()
    header = page[page.index("<header") : page.index("</header>")]
    assert f"{user} — {affiliation}" in header
