"""Minimal stand-in for :mod:`esmsnum.domain.reference` until that module lands on main.

Same interface (``category(code)``, ``region(code)``, ``DROM_CORSE_REGIONS``), a small subset of the data: the
44 categories of the CNSA table (domain → public, financeur) and the 18 regions with their time zones.
"""

from dataclasses import dataclass

DROM_CORSE_REGIONS = frozenset({"01", "02", "03", "04", "06", "94"})


@dataclass(frozen=True)
class CategoryInfo:
    code: str
    label: str
    public: str
    financeur: str  # am | cd | am_cd | undefined | state | none
    medicalised: bool
    is_saad: bool


@dataclass(frozen=True)
class RegionInfo:
    code: str
    name: str
    timezone: str
    overseas_or_corse: bool


# code: (label, public, financeur, medicalised)
_CATEGORIES = {
    "182": ("SESSAD", "PH", "am", True),
    "183": ("IME", "PH", "am", True),
    "186": ("ITEP", "PH", "am", True),
    "188": ("EEAP", "PH", "am", True),
    "189": ("CMPP", "PH", "am", True),
    "190": ("CAMSP", "PH", "am_cd", True),
    "192": ("IEM", "PH", "am", True),
    "194": ("IDV", "PH", "am", True),
    "195": ("IDA", "PH", "am", True),
    "196": ("IESPESA", "PH", "am", True),
    "198": ("ESPO", "PH", "am", False),
    "202": ("Résidence autonomie", "PA", "cd", False),
    "207": ("Accueil de jour autonome", "PA", "am_cd", True),
    "209": ("SPASAD", "DOM", "am_cd", True),
    "221": ("BAPU", "PH", "am", True),
    "238": ("CAFS", "PH", "am", False),
    "246": ("ESAT", "PH", "am", False),
    "249": ("ESRP", "PH", "am", False),
    "252": ("Foyer d'hébergement adultes handicapés", "PH", "cd", False),
    "253": ("Foyer d'accueil polyvalent adultes handicapés", "PH", "cd", False),
    "255": ("MAS", "PH", "am", True),
    "354": ("SSIAD", "DOM", "am", True),
    "370": ("Établissement expérimental personnes handicapées", "PH", "undefined", False),
    "377": ("Établissement expérimental enfance handicapée", "PH", "undefined", False),
    "379": ("Établissement expérimental adultes handicapés", "PH", "undefined", False),
    "381": ("Établissement expérimental personnes âgées", "PA", "undefined", False),
    "382": ("Foyer de vie adultes handicapés", "PH", "cd", False),
    "390": ("Accueil temporaire enfants handicapés", "PH", "am_cd", True),
    "395": ("Accueil temporaire adultes handicapés", "PH", "am_cd", True),
    "396": ("Foyer hébergement enfants handicapés", "PH", "am", False),
    "402": ("Jardin d'enfants spécialisé", "PH", "am", False),
    "437": ("FAM", "PH", "am_cd", True),
    "445": ("SAMSAH", "PH", "am_cd", True),
    "446": ("SAVS", "PH", "cd", False),
    "448": ("EAM", "PH", "am_cd", True),
    "449": ("EANM", "PH", "cd", False),
    "460": ("SAAD", "DOM", "cd", False),
    "461": ("Centre ressources", "PH", "am", False),
    "462": ("Lieu de vie", "OTHER", "cd", False),
    "463": ("CLIC", "PA", "cd", False),
    "464": ("UEROS", "PH", "am", False),
    "500": ("EHPAD", "PA", "am_cd", True),
    "501": ("EHPA percevant des crédits AM", "PA", "am_cd", True),
    "502": ("EHPA ne percevant pas de crédits AM", "PA", "cd", False),
    # a few social categories outside the CNSA table
    "214": ("CHRS", "AHI", "state", False),
    "219": ("Autre centre d'accueil", "AHI", "state", False),
    "443": ("CSAPA", "PDS", "am", True),
    "340": ("Service mandataire judiciaire à la protection des majeurs", "PJM", "state", False),
    "159": ("Foyer de l'enfance", "PE", "cd", False),
}

_REGIONS = {
    "01": ("Guadeloupe", "America/Guadeloupe"),
    "02": ("Martinique", "America/Martinique"),
    "03": ("Guyane", "America/Cayenne"),
    "04": ("La Réunion", "Indian/Reunion"),
    "06": ("Mayotte", "Indian/Mayotte"),
    "11": ("Île-de-France", "Europe/Paris"),
    "24": ("Centre-Val de Loire", "Europe/Paris"),
    "27": ("Bourgogne-Franche-Comté", "Europe/Paris"),
    "28": ("Normandie", "Europe/Paris"),
    "32": ("Hauts-de-France", "Europe/Paris"),
    "44": ("Grand Est", "Europe/Paris"),
    "52": ("Pays de la Loire", "Europe/Paris"),
    "53": ("Bretagne", "Europe/Paris"),
    "75": ("Nouvelle-Aquitaine", "Europe/Paris"),
    "76": ("Occitanie", "Europe/Paris"),
    "84": ("Auvergne-Rhône-Alpes", "Europe/Paris"),
    "93": ("Provence-Alpes-Côte d'Azur", "Europe/Paris"),
    "94": ("Corse", "Europe/Paris"),
}


def category(code: str) -> CategoryInfo | None:
    row = _CATEGORIES.get(code)
    if row is None:
        return None
    label, public, financeur, medicalised = row
    return CategoryInfo(code, label, public, financeur, medicalised, is_saad=code in {"460", "209"})


def region(code: str) -> RegionInfo | None:
    row = _REGIONS.get(code)
    if row is None:
        return None
    return RegionInfo(code, row[0], row[1], code in DROM_CORSE_REGIONS)
