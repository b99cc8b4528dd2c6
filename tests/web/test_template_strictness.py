"""Unknown template variables fail the tests (issue #10), except the optional ones of django-dsfr's own templates."""

import pytest
from django.template import engines


def test_an_unknown_variable_fails():
    template = engines["django"].from_string("Bonjour {{ personne.inconnue }}")
    with pytest.raises(AssertionError, match=r"variable de gabarit inconnue : personne\.inconnue"):
        template.render({})


def test_the_design_system_optional_variables_are_tolerated():
    template = engines["django"].from_string("<{{ self.heading_tag|default:'p' }}>")
    assert template.render({"self": {}}) == "<p>"


@pytest.mark.django_db
def test_every_page_gets_its_skip_links(client):
    page = client.get("/connexion/").content.decode()
    assert 'href="#content"' in page
    assert ">Contenu</a>" in page
