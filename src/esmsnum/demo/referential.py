"""Demo referential: organisations (OG) and ESSMS of La Réunion, and one account per role."""

from esmsnum.domain.finess import with_key

from . import DEMO_PASSWORD, DemoAccount

REGION = "04"
DEPARTMENT = "9D"

# (key, name, commune, postcode, [(category, name, commune, postcode)])
ORGANISATIONS = [
    (
        "ti-kaz",
        "Association Ti Kaz Gramoun",
        "Saint-Denis",
        "97400",
        [
            ("500", "EHPAD Les Flamboyants", "Saint-Denis", "97400"),
            ("500", "EHPAD Bois de Nèfles", "Saint-Denis", "97490"),
            ("354", "SSIAD Ti Kaz Nord", "Sainte-Marie", "97438"),
            ("207", "Accueil de jour Les Letchis", "Saint-Denis", "97400"),
        ],
    ),
    (
        "lagon",
        "Association Lagon Bleu Handicap",
        "Saint-Paul",
        "97460",
        [
            ("183", "IME Lagon Bleu", "Saint-Paul", "97460"),
            ("182", "SESSAD Lagon Bleu", "Le Port", "97420"),
            ("246", "ESAT Les Tamarins", "Saint-Paul", "97460"),
        ],
    ),
    (
        "hauts",
        "Mutualité des Hauts",
        "Le Tampon",
        "97430",
        [
            ("500", "EHPAD Plaine des Cafres", "Le Tampon", "97418"),
            ("354", "SSIAD des Hauts", "Le Tampon", "97430"),
            ("460", "SAAD Mutualité des Hauts", "Le Tampon", "97430"),
        ],
    ),
    (
        "vanille",
        "Association Vanille Solidarité",
        "Saint-André",
        "97440",
        [
            ("255", "MAS La Vanilleraie", "Saint-André", "97440"),
            ("437", "FAM Les Goyaviers", "Saint-Benoît", "97470"),
        ],
    ),
    (
        "sud",
        "Fondation Océan Indien Solidarité",
        "Saint-Pierre",
        "97410",
        [
            ("500", "EHPAD Terre Sainte", "Saint-Pierre", "97410"),
            ("500", "EHPAD Ravine des Cabris", "Saint-Pierre", "97432"),
            ("500", "EHPAD Saint-Louis", "Saint-Louis", "97450"),
            ("183", "IME du Sud", "Saint-Joseph", "97480"),
            ("255", "MAS Grand Bois", "Saint-Pierre", "97410"),
            ("246", "ESAT Rivière d'Abord", "Saint-Pierre", "97410"),
            ("354", "SSIAD Sud Sauvage", "Saint-Joseph", "97480"),
            ("445", "SAMSAH du Sud", "Saint-Pierre", "97410"),
            ("446", "SAVS du Sud", "Saint-Louis", "97450"),
            ("182", "SESSAD du Sud", "Saint-Pierre", "97410"),
            ("209", "SPASAD Sud", "Le Tampon", "97430"),
            ("437", "FAM Les Makes", "Saint-Louis", "97421"),
            ("448", "EAM Bassin Plat", "Saint-Pierre", "97410"),
            ("500", "EHPAD Petite-Île", "Petite-Île", "97429"),
            ("500", "EHPAD Entre-Deux", "Entre-Deux", "97414"),
            ("190", "CAMSP du Sud", "Saint-Pierre", "97410"),
        ],
    ),
    (
        "est",
        "Association Cilaos Entraide",
        "Cilaos",
        "97413",
        [
            ("500", "EHPAD Le Piton", "Cilaos", "97413"),
            ("214", "CHRS Cilaos Entraide", "Saint-Louis", "97450"),
        ],
    ),
    (
        "ouest",
        "Association Les Filaos",
        "Saint-Leu",
        "97436",
        [
            ("500", "EHPAD Les Filaos", "Saint-Leu", "97436"),
            ("460", "SAAD Les Filaos", "Les Avirons", "97425"),
        ],
    ),
]

# Demo people (first name, last name) shown in the interface; the description says who they stand for.
PEOPLE = {
    "porteur": ("Marie", "Payet"),
    "porteur.lagon": ("Jean-Luc", "Hoarau"),
    "porteur.sud": ("Nadia", "Grondin"),
    "instructeur": ("Sophie", "Técher"),
    "instructeur.hdf": ("Thomas", "Lefebvre"),
    "grades": ("Karim", "Boyer"),
    "national": ("Claire", "Martin"),
    "admin": ("Admin", "Plateforme"),
}

ACCOUNTS = [
    DemoAccount("porteur", "porteur", "Porteur de projet — Association Ti Kaz Gramoun"),
    DemoAccount("porteur.lagon", "porteur", "Membre de grappe — Association Lagon Bleu Handicap"),
    DemoAccount("porteur.sud", "porteur", "Porteur de projet — Fondation Océan Indien Solidarité"),
    DemoAccount("instructeur", "instructor", "Instructeur ARS La Réunion"),
    DemoAccount("instructeur.hdf", "instructor", "Instructeur ARS Hauts-de-France (ne voit pas La Réunion)"),
    DemoAccount("grades", "grades", "Support GRADeS La Réunion"),
    DemoAccount("national", "national", "Équipe nationale du programme (lecture seule)"),
    DemoAccount("admin", "admin", "Administrateur de la plateforme"),
]
_ACCOUNT_LINKS = {
    "porteur": {"organisation": "ti-kaz"},
    "porteur.lagon": {"organisation": "lagon"},
    "porteur.sud": {"organisation": "sud"},
    "instructeur": {"region": REGION},
    "instructeur.hdf": {"region": "32"},
    "grades": {"region": REGION},
}


def organisation_finess(index: int) -> str:
    return with_key(f"970480{index:02d}")


def establishment_finess(org_index: int, index: int) -> str:
    return with_key(f"9704{org_index:02d}{index:02d}")


def load() -> list[DemoAccount]:
    from esmsnum.accounts.models import User
    from esmsnum.referential.models import Category, Department, Establishment, Organisation, Region

    department = Department.objects.filter(code=DEPARTMENT).select_related("region").first()
    if department is None or not Category.objects.exists():
        raise RuntimeError(
            "Le référentiel de base (régions, départements, catégories) est absent : lancez d'abord "
            "« esmsnum manage migrate »."
        )
    region = department.region
    organisations = {}
    for org_index, (key, name, _commune, _postcode, establishments) in enumerate(ORGANISATIONS, start=1):
        organisation, _ = Organisation.objects.update_or_create(
            finess_ej=organisation_finess(org_index), defaults={"name": name, "department": department}
        )
        organisations[key] = organisation
        for index, (category_code, et_name, commune, postcode) in enumerate(establishments, start=1):
            category = Category.objects.get(code=category_code)
            Establishment.objects.update_or_create(
                finess_et=establishment_finess(org_index, index),
                defaults={
                    "organisation": organisation,
                    "name": et_name.upper()[:60],
                    "long_name": et_name,
                    "address": "",
                    "postcode": postcode,
                    "commune": commune.upper(),
                    "department": department,
                    "region": region,
                    "category": category,
                    "public": category.public,
                    "financeur": category.financeur,
                    "medicalised": category.medicalised,
                    "is_open": True,
                },
            )
    for account in ACCOUNTS:
        links = _ACCOUNT_LINKS.get(account.username, {})
        user = User.objects.filter(username=account.username).first()
        if user is None:
            user = User(username=account.username)
            user.set_password(DEMO_PASSWORD)
        user.first_name, user.last_name = PEOPLE[account.username]
        user.role = account.role
        user.email = f"{account.username}@demo.esms-numerique.invalid"
        user.organisation = organisations[links["organisation"]] if "organisation" in links else None
        user.region = Region.objects.get(code=links["region"]) if "region" in links else None
        user.is_staff = user.is_superuser = account.role == "admin"
        user.save()
    return ACCOUNTS
