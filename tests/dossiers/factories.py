"""Factories for dossiers and the referential objects they need (reusable by the instruction tests).

Regions, departments and categories are looked up or created with plausible values, FINESS numbers carry a valid
check key. ``make_world()`` builds two regions with organisations, establishments and one user per role.
"""

import itertools
from types import SimpleNamespace

import factory
from django.utils import timezone

from esmsnum.accounts.models import Role, User
from esmsnum.domain.finess import with_key
from esmsnum.dossiers.models import Dossier, DossierEstablishment, GrappeMember, Status
from esmsnum.referential.models import Category, Department, Establishment, Organisation, Region

CAMPAIGN = "generalisation-2024"
_serial = itertools.count(1)


def region(code: str = "04") -> Region:
    names = {"04": ("La Réunion", True, "Indian/Reunion"), "32": ("Hauts-de-France", False, "Europe/Paris")}
    name, overseas, tz = names.get(code, (f"Région {code}", False, "Europe/Paris"))
    obj, _ = Region.objects.get_or_create(
        code=code, defaults={"name": name, "overseas_or_corse": overseas, "timezone": tz}
    )
    return obj


def department(code: str = "9D") -> Department:
    regions = {"9D": ("974", "La Réunion", "04"), "59": ("59", "Nord", "32")}
    insee, name, region_code = regions.get(code, (code, f"Département {code}", "04"))
    obj, _ = Department.objects.get_or_create(
        code=code, defaults={"insee_code": insee, "name": name, "region": region(region_code)}
    )
    return obj


def category(code: str = "500") -> Category:
    known = {
        "500": ("EHPAD", "PA", "am_cd", True, False),
        "183": ("IME", "PH", "am", True, False),
        "460": ("SAAD", "DOM", "cd", False, True),
        "214": ("CHRS", "AHI", "state", False, False),
    }
    label, public, financeur, medicalised, saad = known.get(code, (f"Catégorie {code}", "OTHER", "none", False, False))
    obj, _ = Category.objects.get_or_create(
        code=code,
        defaults={
            "label": label,
            "public": public,
            "financeur": financeur,
            "medico_social": True,
            "medicalised": medicalised,
            "is_saad": saad,
        },
    )
    return obj


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    finess_ej = factory.LazyFunction(lambda: with_key(f"97{next(_serial):06d}"))
    name = factory.Sequence(lambda n: f"Association {n}")
    department = factory.LazyFunction(lambda: department("9D"))


class EstablishmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Establishment

    finess_et = factory.LazyFunction(lambda: with_key(f"97{next(_serial):06d}"))
    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"EHPAD {n}")
    commune = "SAINT-DENIS"
    postcode = "97400"
    department = factory.LazyAttribute(lambda o: o.organisation.department or department("9D"))
    region = factory.LazyAttribute(lambda o: o.department.region)
    category = factory.LazyFunction(lambda: category("500"))
    public = factory.LazyAttribute(lambda o: o.category.public)
    financeur = factory.LazyAttribute(lambda o: o.category.financeur)
    medicalised = factory.LazyAttribute(lambda o: o.category.medicalised)
    is_open = True


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.PORTEUR
    password = factory.PostGenerationMethodCall("set_password", "mot-de-passe-de-test")

    @factory.post_generation
    def save_after(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class DossierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dossier
        skip_postgeneration_save = True

    campaign = CAMPAIGN
    porteur = factory.SubFactory(OrganisationFactory)
    region = factory.LazyAttribute(lambda o: o.porteur.department.region)
    title = factory.Sequence(lambda n: f"Projet DUI n° {n}")
    status = Status.DRAFT
    filed_at = factory.LazyAttribute(lambda o: None if o.status == Status.DRAFT else timezone.now())

    @factory.post_generation
    def porteur_member(obj, create, extracted, **kwargs):
        if create:
            GrappeMember.objects.get_or_create(dossier=obj, organisation=obj.porteur)


def add_establishment(dossier: Dossier, establishment: Establishment | None = None, **fields) -> DossierEstablishment:
    establishment = establishment or EstablishmentFactory(organisation=dossier.porteur)
    GrappeMember.objects.get_or_create(dossier=dossier, organisation=establishment.organisation)
    return DossierEstablishment.objects.create(dossier=dossier, establishment=establishment, **fields)


def make_world() -> SimpleNamespace:
    """Two regions; in La Réunion a porteur OG, a member OG, a stranger OG; one user per role and region."""
    reunion, hdf = region("04"), region("32")
    porteur_org = OrganisationFactory(name="Association Porteuse")
    member_org = OrganisationFactory(name="Association Membre")
    other_org = OrganisationFactory(name="Association Étrangère")
    hdf_org = OrganisationFactory(name="Association du Nord", department=department("59"))
    users = SimpleNamespace(
        porteur=UserFactory(username="porteur", role=Role.PORTEUR, organisation=porteur_org),
        member=UserFactory(username="membre", role=Role.PORTEUR, organisation=member_org),
        other=UserFactory(username="autre", role=Role.PORTEUR, organisation=other_org),
        instructor=UserFactory(username="instructeur", role=Role.INSTRUCTOR, region=reunion),
        instructor_other=UserFactory(username="instructeur.hdf", role=Role.INSTRUCTOR, region=hdf),
        grades=UserFactory(username="grades", role=Role.GRADES, region=reunion),
        national=UserFactory(username="national", role=Role.NATIONAL),
        admin=UserFactory(username="admin", role=Role.ADMIN, is_staff=True, is_superuser=True),
    )
    return SimpleNamespace(
        reunion=reunion,
        hdf=hdf,
        porteur_org=porteur_org,
        member_org=member_org,
        other_org=other_org,
        hdf_org=hdf_org,
        users=users,
    )


def dossier_for(world: SimpleNamespace, status: str = Status.DRAFT, **kwargs) -> Dossier:
    """A dossier carried by the world's porteur, with one ESSMS of the porteur and one of the member OG."""
    dossier = DossierFactory(porteur=world.porteur_org, status=status, **kwargs)
    add_establishment(dossier, situation="acquisition", hosting="saas")
    add_establishment(
        dossier, EstablishmentFactory(organisation=world.member_org), situation="acquisition", hosting="saas"
    )
    return dossier
