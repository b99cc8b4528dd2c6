"""The referential: regions, departments, FINESS categories, organisations (EJ) and establishments (ET)."""

from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import Exact

from esmsnum.core.models import TimestampedModel
from esmsnum.domain.text import search_key

from .extract import establishment_search_text


class Public(models.TextChoices):
    PA = "PA", "Personnes âgées"
    PH = "PH", "Personnes en situation de handicap"
    PDS = "PDS", "Personnes en difficulté spécifique"
    PE = "PE", "Protection de l'enfance"
    AHI = "AHI", "Accueil, hébergement, insertion"
    PJM = "PJM", "Protection juridique des majeurs"
    DOM = "DOM", "Aide et soins à domicile"
    OTHER = "OTHER", "Autre"


class Financeur(models.TextChoices):
    ASSURANCE_MALADIE = "am", "Assurance maladie"
    DEPARTEMENT = "cd", "Conseil départemental"
    AM_AND_DEPARTEMENT = "am_cd", "Conseil départemental et Assurance maladie"
    STATE = "state", "État"
    UNDEFINED = "undefined", "Pas de compétence définie a priori"
    NONE = "none", "Hors champ médico-social"


class Region(models.Model):
    """An INSEE region (``01``…``94``), or an overseas collectivity without region (``975``, ``986``)."""

    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=80)
    overseas_or_corse = models.BooleanField("outre-mer ou Corse", default=False)
    timezone = models.CharField("fuseau horaire", max_length=64, default="Europe/Paris")

    class Meta:
        verbose_name = "région"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A FINESS department code (``01``…``95``, ``2A``, ``2B``, ``9A``…``9J``)."""

    code = models.CharField("code FINESS", max_length=2, primary_key=True)
    insee_code = models.CharField("code INSEE", max_length=3)
    name = models.CharField("nom", max_length=80)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departments")

    class Meta:
        verbose_name = "département"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} - {self.name}"


class Category(models.Model):
    code = models.CharField("code", max_length=3, primary_key=True)
    label = models.CharField("libellé", max_length=120)
    short_label = models.CharField("libellé court", max_length=60, blank=True)
    aggregate_code = models.CharField("code d'agrégat", max_length=4, blank=True)
    aggregate_label = models.CharField("libellé d'agrégat", max_length=120, blank=True)
    public = models.CharField("public", max_length=5, choices=Public.choices, default=Public.OTHER)
    financeur = models.CharField("financeur", max_length=10, choices=Financeur.choices, default=Financeur.NONE)
    medico_social = models.BooleanField("établissement ou service social ou médico-social", default=False)
    medicalised = models.BooleanField("médicalisé", default=False)
    is_saad = models.BooleanField("service d'aide à domicile (SAAD)", default=False)

    class Meta:
        verbose_name = "catégorie FINESS"
        verbose_name_plural = "catégories FINESS"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} - {self.label}"


class Organisation(TimestampedModel):
    """An organisme gestionnaire (OG), identified by its FINESS juridique (EJ)."""

    finess_ej = models.CharField("FINESS juridique", max_length=9, unique=True)
    name = models.CharField("raison sociale", max_length=120, blank=True)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, blank=True)
    is_ght = models.BooleanField("groupement hospitalier de territoire", default=False)
    national_entity = models.BooleanField("rattaché à une entité nationale", default=False)
    search_text = models.CharField("texte de recherche", max_length=200, blank=True, editable=False)

    class Meta:
        verbose_name = "organisme gestionnaire"
        ordering = ["finess_ej"]
        constraints = [
            models.CheckConstraint(condition=Exact(Length("finess_ej"), 9), name="organisation_finess_ej_9_chars"),
        ]

    def __str__(self) -> str:
        return f"{self.name or 'OG'} ({self.finess_ej})"

    def save(self, *args, **kwargs):
        self.search_text = self.compute_search_text(self.name)
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    @staticmethod
    def compute_search_text(name: str) -> str:
        return search_key(name)[:200]


class Establishment(TimestampedModel):
    """An ESSMS (or any FINESS establishment), identified by its FINESS géographique (ET)."""

    finess_et = models.CharField("FINESS géographique", max_length=9, unique=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="establishments")
    name = models.CharField("raison sociale", max_length=60)
    long_name = models.CharField("raison sociale longue", max_length=120, blank=True)
    address = models.CharField("adresse", max_length=200, blank=True)
    postcode = models.CharField("code postal", max_length=5, blank=True)
    commune = models.CharField("commune", max_length=60, blank=True)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="establishments")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="establishments")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="establishments")
    public = models.CharField("public", max_length=5, choices=Public.choices, default=Public.OTHER)
    financeur = models.CharField("financeur", max_length=10, choices=Financeur.choices, default=Financeur.NONE)
    medicalised = models.BooleanField("médicalisé", default=False)
    siret = models.CharField("SIRET", max_length=14, blank=True)
    phone = models.CharField("téléphone", max_length=10, blank=True)
    opened_on = models.DateField("date d'ouverture", null=True, blank=True)
    finess_updated_on = models.DateField("mise à jour FINESS", null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    # Coordinates as given by the extract's `geolocalisation` lines: projected (Lambert 93 in metropolitan France,
    # UTM overseas), in the system named by `geo_system`. Not converted to latitude/longitude.
    geo_x = models.FloatField("coordonnée X (FINESS)", null=True, blank=True)
    geo_y = models.FloatField("coordonnée Y (FINESS)", null=True, blank=True)
    geo_system = models.CharField("source et système des coordonnées", max_length=255, blank=True)
    search_text = models.CharField("texte de recherche", max_length=400, blank=True, editable=False)
    is_open = models.BooleanField("ouvert", default=True)
    closed_on = models.DateField("fermé le", null=True, blank=True)
    source_digest = models.CharField("empreinte de la ligne FINESS", max_length=32, blank=True)

    class Meta:
        verbose_name = "établissement (ESSMS)"
        verbose_name_plural = "établissements (ESSMS)"
        ordering = ["finess_et"]
        constraints = [
            models.CheckConstraint(condition=Exact(Length("finess_et"), 9), name="establishment_finess_et_9_chars"),
            models.CheckConstraint(
                condition=models.Q(is_open=True, closed_on__isnull=True) | models.Q(is_open=False),
                name="establishment_open_has_no_closing_date",
            ),
        ]
        indexes = [
            models.Index(fields=["region", "is_open"]),
            models.Index(fields=["name"]),
            models.Index(fields=["commune"]),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.finess_et})"

    def save(self, *args, **kwargs):
        self.search_text = self.compute_search_text(self.name, self.long_name, self.commune)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    @staticmethod
    def compute_search_text(name: str, long_name: str, commune: str) -> str:
        """Accent-free upper-case name, long name and commune, searched by the selectors (one definition: extract)."""
        return establishment_search_text(name, long_name, commune)
