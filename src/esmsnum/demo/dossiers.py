"""Demo dossiers: one dossier of the 2024 La Réunion campaign in each workflow state.

Built through the services (so evaluations, transition logs and messages are real), with filing and instruction
dates inside the campaign's first window. Idempotent: a dossier is looked up by its porteur and title.
"""

from datetime import datetime, timedelta
from decimal import Decimal

from . import instruction
from .referential import ORGANISATIONS, establishment_finess, organisation_finess

CAMPAIGN = "generalisation-2024"
SOLUTION = {
    "solution_name": "Kiosque DUI",
    "solution_editor": "Éditeur Océan Indien (fictif)",
    "solution_segur_referenced": True,
    "solution_segur_corridor": "medico-social",
    "solution_in_national_market": True,
    "services_socles": ["mssante", "dmp", "eprescription"],
}
_ORG_INDEX = {key: index for index, (key, *_rest) in enumerate(ORGANISATIONS, start=1)}


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value)


# (state, porteur key, title, project type, [(org key, ESSMS index, situation)], extra, steps)
# steps: [(action, username, ISO time, comment)] applied after the dossier is complete.
DOSSIERS = [
    {
        "status": "draft",
        "porteur": "ti-kaz",
        "title": "Extension du DUI à l'accueil de jour Les Letchis",
        "project_type": "acquisition",
        "essms": [("ti-kaz", 4, "acquisition")],
        "pieces": False,
        "steps": [],
    },
    {
        "status": "filed",
        "porteur": "ti-kaz",
        "title": "DUI partagé Nord et Ouest (grappe Ti Kaz – Lagon Bleu)",
        "project_type": "acquisition",
        "essms": [(org, index, "acquisition") for org in ("ti-kaz", "lagon") for index in (1, 2, 3)],
        "extra": {"request_equipment": True},
        "hardware": Decimal("8500"),
        "steps": [("file", "porteur", "2024-05-15T16:30:00+04:00", "")],
    },
    {
        "status": "under_instruction",
        "porteur": "sud",
        "title": "Mise en conformité Ségur des établissements du Sud",
        "project_type": "upgrade",
        "essms": [("sud", index, "upgrade") for index in range(1, 9)],
        "steps": [
            ("file", "porteur.sud", "2024-04-10T11:00:00+04:00", ""),
            ("start_instruction", "instructeur", "2024-04-15T09:00:00+04:00", ""),
        ],
    },
    {
        "status": "more_info_requested",
        "porteur": "hauts",
        "title": "Grappe des Hauts : DUI commun domicile et hébergement",
        "project_type": "acquisition",
        "essms": [("hauts", index, "acquisition") for index in (1, 2, 3)]
        + [("ouest", index, "acquisition") for index in (1, 2)],
        "saad_hours": (Decimal("12000"), Decimal("9000")),
        "marks": (3, 4, 2),
        "steps": [
            ("file", "porteur", "2024-05-02T10:00:00+04:00", ""),
            ("start_instruction", "instructeur", "2024-05-06T09:00:00+04:00", ""),
            (
                "request_info",
                "instructeur",
                "2024-05-13T14:00:00+04:00",
                "Merci de joindre la déclaration des heures médico-sociales des deux SAAD (modèle de l'annexe 1) "
                "et de préciser le planning de déploiement de l'EHPAD Les Filaos.",
            ),
        ],
    },
    {
        "status": "in_committee",
        "porteur": "vanille",
        "title": "Grappe Est : DUI commun Vanille Solidarité et Cilaos Entraide",
        "project_type": "acquisition",
        "essms": [(org, index, "acquisition") for org in ("vanille", "est") for index in (1, 2)],
        "marks": (4, 3, 4),
        "steps": [
            ("file", "porteur", "2024-05-20T15:00:00+04:00", ""),
            ("start_instruction", "instructeur", "2024-05-22T09:00:00+04:00", ""),
            ("send_to_committee", "instructeur", "2024-06-05T09:00:00+04:00", ""),
        ],
    },
    {
        "status": "decided",
        "porteur": "sud",
        "title": "DUI des EHPAD et services du Sud",
        "project_type": "acquisition",
        "essms": [("sud", index, "acquisition") for index in range(9, 17)],
        "marks": (5, 3, 4),
        "steps": [
            ("file", "porteur.sud", "2024-03-28T10:00:00+04:00", ""),
            ("start_instruction", "instructeur", "2024-04-02T09:00:00+04:00", ""),
            ("send_to_committee", "instructeur", "2024-06-03T09:00:00+04:00", ""),
            ("decide", "instructeur", "2024-06-20T16:00:00+04:00", ""),
        ],
        "decision": "A",
    },
    {
        "status": "notified",
        "porteur": "camelias",
        "title": "DUI commun des établissements Les Camélias",
        "project_type": "acquisition",
        "essms": [("camelias", index, "acquisition") for index in range(1, 9)],
        "marks": (5, 4, 5),
        "steps": [
            ("file", "porteur", "2024-03-15T10:00:00+04:00", ""),
            ("start_instruction", "instructeur", "2024-03-20T09:00:00+04:00", ""),
            ("send_to_committee", "instructeur", "2024-06-03T09:00:00+04:00", ""),
            ("decide", "instructeur", "2024-06-20T16:00:00+04:00", ""),
            ("notify", "instructeur", "2024-06-27T10:00:00+04:00", ""),
        ],
        "decision": "A",
        "recommendation": "Associer le GRADeS au plan de conduite du changement ; suivre les cibles d'usage MSSanté.",
    },
]

# One more organisation, for the notified dossier (the referential demo's ESSMS are all used by the others).
# Its FINESS numbers use index 90, far from the referential demo's indexes.
EXTRA_ORGANISATION = (
    90,
    "camelias",
    "Association Les Camélias",
    [
        ("500", "EHPAD Les Camélias", "Saint-Benoît", "97470"),
        ("500", "EHPAD Bras-Panon", "Bras-Panon", "97412"),
        ("500", "EHPAD Sainte-Rose", "Sainte-Rose", "97439"),
        ("354", "SSIAD Les Camélias", "Saint-Benoît", "97470"),
        ("207", "Accueil de jour Les Camélias", "Saint-Benoît", "97470"),
        ("183", "IME Rivière des Roches", "Bras-Panon", "97412"),
        ("255", "MAS Beaufonds", "Saint-Benoît", "97470"),
        ("246", "ESAT Les Orangers", "Saint-André", "97440"),
    ],
)
_ORG_INDEX["camelias"] = EXTRA_ORGANISATION[0]


def _extra_referential() -> None:
    from esmsnum.referential.models import Category, Department, Establishment, Organisation

    from .referential import DEPARTMENT

    department = Department.objects.select_related("region").get(code=DEPARTMENT)
    index, _key, name, establishments = EXTRA_ORGANISATION
    organisation, _ = Organisation.objects.update_or_create(
        finess_ej=organisation_finess(index), defaults={"name": name, "department": department}
    )
    for number, (category_code, et_name, commune, postcode) in enumerate(establishments, start=1):
        category = Category.objects.get(code=category_code)
        Establishment.objects.update_or_create(
            finess_et=establishment_finess(index, number),
            defaults={
                "organisation": organisation,
                "name": et_name.upper()[:60],
                "long_name": et_name,
                "postcode": postcode,
                "commune": commune.upper(),
                "department": department,
                "region": department.region,
                "category": category,
                "public": category.public,
                "financeur": category.financeur,
                "medicalised": category.medicalised,
                "is_open": True,
            },
        )


def demo_pdf(title: str) -> bytes:
    """A small, valid one-page PDF whose text is ``title`` (WinAnsi encoding, Helvetica)."""
    text = title.encode("cp1252", "replace").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    stream = (
        b"BT /F1 14 Tf 60 780 Td (" + text + b") Tj 0 -24 Td /F1 10 Tf (Piece de demonstration - ESMS numerique) Tj ET"
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _complete(dossier, spec, porteur_user, establishments) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from esmsnum.dossiers import selectors, services
    from esmsnum.dossiers.models import DossierEstablishment

    changes = {"project_type": spec["project_type"], **SOLUTION, **spec.get("extra", {})}
    changes["description"] = (
        "Projet de démonstration : un DUI commun, hébergé chez l'éditeur, déployé dans tous les ESSMS de la grappe "
        "avec un référent DUI par établissement."
    )
    services.update_dossier(dossier, by=porteur_user, changes=changes)
    for (_org, _index, situation), establishment in zip(spec["essms"], establishments, strict=True):
        entry = services.add_establishment(dossier, by=porteur_user, establishment=establishment)
        fields = {"situation": situation, "hosting": "saas"}
        if situation == "upgrade":
            fields["current_solution"] = "Kiosque DUI"
        if spec.get("hardware") is not None:
            fields["hardware_quote_eur"] = spec["hardware"]
        if establishment.category.is_saad and spec.get("saad_hours"):
            fields["saad_hours_total"], fields["saad_hours_medico_social"] = spec["saad_hours"]
        services.update_establishment(DossierEstablishment.objects.get(pk=entry.pk), by=porteur_user, changes=fields)
    for member in dossier.members.all():
        services.update_member(member, by=porteur_user, changes={"maturity_self_assessment": True})
    if spec.get("pieces", True):
        for piece in selectors.piece_requirements(dossier):
            if piece.mandatory:
                upload = SimpleUploadedFile(f"{piece.label[:60]}.pdf", demo_pdf(piece.label), "application/pdf")
                services.upload_document(dossier, by=porteur_user, piece_code=piece.code, uploaded_file=upload)


def _porteur_user(organisation, key: str):
    """The organisation's demo account, or a stand-in account (no password) to act for it."""
    from esmsnum.accounts.models import User

    user = User.objects.filter(organisation=organisation, role="porteur").order_by("id").first()
    if user is None:
        user = User(username=f"demo.{key}", role="porteur", organisation=organisation, first_name=organisation.name)
        user.set_unusable_password()
        user.save()
    return user


def load() -> list:
    """Create the demo dossiers that do not exist yet; return every demo dossier."""
    from esmsnum.accounts.models import User
    from esmsnum.dossiers import services
    from esmsnum.dossiers.models import Dossier, GrappeMember
    from esmsnum.referential.models import Establishment, Organisation

    _extra_referential()
    users = {
        user.username: user for user in User.objects.filter(username__in=["porteur", "porteur.sud", "instructeur"])
    }
    instruction.set_weights(users["instructeur"])
    created = []
    for spec in DOSSIERS:
        porteur = Organisation.objects.get(finess_ej=organisation_finess(_ORG_INDEX[spec["porteur"]]))
        existing = Dossier.objects.filter(porteur=porteur, title=spec["title"]).first()
        if existing is not None:
            created.append(existing)
            continue
        porteur_user = _porteur_user(porteur, spec["porteur"])
        establishments = [
            Establishment.objects.select_related("category").get(
                finess_et=establishment_finess(_ORG_INDEX[org_key], index)
            )
            for org_key, index, _situation in spec["essms"]
        ]
        region = establishments[0].region
        # created a few days before filing (in the same INSERT: no second UPDATE to patch the date)
        created_at = {"created_at": _at(spec["steps"][0][2]) - timedelta(days=12)} if spec["steps"] else {}
        dossier = Dossier.objects.create(
            campaign=CAMPAIGN,
            region=region,
            porteur=porteur,
            title=spec["title"],
            created_by=porteur_user,
            **created_at,
        )
        GrappeMember.objects.create(dossier=dossier, organisation=porteur)
        _complete(dossier, spec, porteur_user, establishments)
        for action, username, when, comment in spec["steps"]:
            actor = porteur_user if username.startswith("porteur") else users[username]
            if action == "decide":  # scores, the committee's decision (audited, within the envelope), transition
                instruction.decide(dossier, spec, actor, _at(when))
            elif action == "notify":  # the PDF letter, then the transition
                instruction.notify(dossier, actor, _at(when))
            else:
                services.transition(dossier, action, actor, comment, at=_at(when))
        if spec.get("marks") and dossier.status in ("under_instruction", "more_info_requested", "in_committee"):
            instruction.score(dossier, users["instructeur"], spec["marks"], _at(spec["steps"][-1][2]))
        created.append(dossier)
    return created
