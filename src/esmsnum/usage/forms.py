"""Upload forms of the usage page (French labels)."""

from django import forms

from esmsnum.web.forms import DsfrForm

from .archive import MAX_ARCHIVE_BYTES
from .services import MAX_DECLARATION_BYTES

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ExtractUploadForm(DsfrForm):
    measured_at = forms.DateField(
        label="Date de mesure",
        help_text="Les indicateurs portent sur les 3 mois qui précèdent cette date (exemple : 01/10/2024 pour la "
        "période du 01/07/2024 au 30/09/2024).",
        widget=DATE_INPUT,
    )
    file = forms.FileField(
        label="Extraction d'activité du DUI (archive zip)",
        help_text="Une archive zip contenant dossiers, personalised_projects et events, chacun au format CSV ou "
        f"Parquet. Taille maximale : {MAX_ARCHIVE_BYTES // 1024 // 1024} Mo.",
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip", "class": "fr-upload"}),
    )
    skip_bad_rows = forms.BooleanField(
        label="Écarter les lignes invalides",
        help_text="Sinon, une seule ligne invalide fait refuser l'extraction (la liste des lignes est affichée).",
        required=False,
    )


class DeclarationUploadForm(DsfrForm):
    measured_at = forms.DateField(label="Date de mesure", widget=DATE_INPUT)
    editor = forms.CharField(label="Éditeur", max_length=120, required=False)
    file = forms.FileField(
        label="Déclaration de l'éditeur (CSV)",
        help_text="Une ligne par ESSMS : finess_et, accompanied, active et, si l'éditeur les fournit, "
        "active_with_pp, active_with_agenda, dmp_fed, mss_messages, eprescription_imports, eparcours_exchanges. "
        f"Séparateur virgule ou point-virgule. Taille maximale : {MAX_DECLARATION_BYTES // 1024 // 1024} Mo.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv", "class": "fr-upload"}),
    )
