"""Forms of the porteur journey (French labels; validation messages in French)."""

import uuid
from decimal import Decimal

from django import forms
from django.core.validators import MinValueValidator

from esmsnum.domain import vocabulary
from esmsnum.web.forms import DsfrForm, DsfrModelForm

from .models import Dossier, DossierEstablishment, GrappeMember, PriorOperation, ServiceSocle, Situation
from .uploads import ACCEPT_ATTRIBUTE, ACCEPTED_LABEL, MAX_BYTES

EURO = {"min": "0", "step": "0.01", "inputmode": "decimal"}


class DossierCreateForm(DsfrForm):
    campaign = forms.ChoiceField(
        label="Campagne", help_text="Seules les campagnes ouvertes dans votre région sont proposées."
    )
    title = forms.CharField(
        label="Intitulé du projet", max_length=200, help_text="Par exemple : « DUI commun de la grappe Nord »."
    )

    # one-time token: the same form posted twice creates one dossier
    request_token = forms.UUIDField(required=False, widget=forms.HiddenInput, initial=uuid.uuid4)

    def __init__(self, *args, campaigns=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].choices = [(c.id, c.title) for c in campaigns]


class ProjectForm(DsfrModelForm):
    services_socles = forms.MultipleChoiceField(
        label="Services socles auxquels les ESSMS s'engagent à s'interfacer",
        choices=ServiceSocle.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Dossier
        fields = [
            "title",
            "description",
            "project_type",
            "solution_name",
            "solution_editor",
            "solution_segur_referenced",
            "solution_segur_corridor",
            "solution_segur_referencing_in_progress",
            "solution_in_national_market",
            "solution_market_derogation",
            "services_socles",
            "request_equipment",
            "request_amoa_market",
            "request_amoa_pilot",
            "amoa_quote_eur",
            "joins_funded_grappe",
            "other_european_funding",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "amoa_quote_eur": forms.NumberInput(attrs=EURO),
        }
        help_texts = {
            "project_type": "Acquisition d'un nouveau DUI, mise en conformité Ségur du DUI existant, ou les deux.",
            "solution_segur_corridor": "Le logiciel doit être référencé Ségur vague 1 (couloir médico-social).",
            "amoa_quote_eur": "Montant du devis d'assistance à maîtrise d'ouvrage, si vous en demandez le financement.",
            "joins_funded_grappe": "Le projet rejoint une grappe déjà financée par le programme ESMS numérique.",
        }

    def __init__(self, *args, socles=None, project_types=None, **kwargs):
        super().__init__(*args, **kwargs)
        if socles:
            self.fields["services_socles"].choices = socles
        if project_types:
            self.fields["project_type"].choices = [
                ("", "—"),
                *[(value, label) for value, label in self.fields["project_type"].choices if value in project_types],
            ]
        self.fields["project_type"].required = False
        self.fields["amoa_quote_eur"].validators.append(MinValueValidator(Decimal(0)))


class MemberForm(DsfrModelForm):
    class Meta:
        model = GrappeMember
        fields = ["essms_managed", "national_entity", "national_entity_consent", "is_ght", "maturity_self_assessment"]
        widgets = {"essms_managed": forms.NumberInput(attrs={"min": "0"})}


MemberFormSet = forms.modelformset_factory(GrappeMember, form=MemberForm, extra=0, can_delete=False)


class EstablishmentRowForm(DsfrModelForm):
    """The main per-ESSMS fields, edited for all ESSMS at once in a table."""

    class Meta:
        model = DossierEstablishment
        fields = ["situation", "current_solution", "hosting", "hardware_quote_eur"]
        widgets = {"hardware_quote_eur": forms.NumberInput(attrs=EURO)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hardware_quote_eur"].validators.append(MinValueValidator(Decimal(0)))
        self.fields["situation"].choices = [("", "—"), *vocabulary.SITUATION_SHORT_LABELS.items()]
        self.fields["hosting"].choices = [("", "—"), *vocabulary.HOSTING_SHORT_LABELS.items()]

    def clean(self):
        data = super().clean()
        if data.get("situation") == Situation.UPGRADE and not (data.get("current_solution") or "").strip():
            self.add_error("current_solution", "Indiquez le logiciel conservé et mis en conformité.")
        return data


EstablishmentFormSet = forms.modelformset_factory(
    DossierEstablishment, form=EstablishmentRowForm, extra=0, can_delete=False
)


class EstablishmentDetailForm(EstablishmentRowForm):
    prior_campaign = forms.CharField(
        label="Financement antérieur du programme : campagne",
        required=False,
        help_text="Par exemple « amorcage-2021-t2 ». Laissez vide si l'ESSMS n'a jamais été financé.",
    )
    prior_solution = forms.CharField(label="Logiciel financé alors", required=False)
    prior_operation = forms.ChoiceField(
        label="Opération financée alors", required=False, choices=[("", "—"), *PriorOperation.choices]
    )

    class Meta(EstablishmentRowForm.Meta):
        fields = [
            "situation",
            "current_solution",
            "hosting",
            "hardware_quote_eur",
            "saad_hours_total",
            "saad_hours_medico_social",
            "segur_prestation_ordered",
        ]
        widgets = {
            "hardware_quote_eur": forms.NumberInput(attrs=EURO),
            "saad_hours_total": forms.NumberInput(attrs={"min": "0", "step": "0.01"}),
            "saad_hours_medico_social": forms.NumberInput(attrs={"min": "0", "step": "0.01"}),
        }
        help_texts = {
            "saad_hours_total": "SAAD uniquement : toutes les heures réalisées l'année précédente (annexe 1).",
            "saad_hours_medico_social": "SAAD uniquement : heures APA, PCH et dépendance financées par le département "
            "ou les caisses de retraite.",
            "segur_prestation_ordered": "L'ESSMS a commandé la prestation Ségur (SONS) pour un logiciel.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        prior = (self.instance.prior_funding or [{}])[0] if self.instance.pk else {}
        self.initial.setdefault("prior_campaign", prior.get("campaign", ""))
        self.initial.setdefault("prior_solution", prior.get("solution", ""))
        self.initial.setdefault("prior_operation", prior.get("operation", ""))
        if not self.instance.establishment.category.is_saad:
            del self.fields["saad_hours_total"]
            del self.fields["saad_hours_medico_social"]
        else:
            for name in ("saad_hours_total", "saad_hours_medico_social"):
                self.fields[name].validators.append(MinValueValidator(Decimal(0)))

    def clean(self):
        data = super().clean()
        total, medico = data.get("saad_hours_total"), data.get("saad_hours_medico_social")
        if (total is None) != (medico is None):
            self.add_error("saad_hours_medico_social", "Déclarez les deux nombres d'heures, ou aucun.")
        elif total is not None and medico > total:
            self.add_error("saad_hours_medico_social", "Les heures médico-sociales ne peuvent dépasser le total.")
        campaign = (data.get("prior_campaign") or "").strip()
        if campaign and not data.get("prior_operation"):
            self.add_error("prior_operation", "Précisez l'opération financée alors.")
        if campaign and not (data.get("prior_solution") or "").strip():
            self.add_error("prior_solution", "Précisez le logiciel financé alors.")
        return data

    def prior_funding(self) -> list[dict]:
        data = self.cleaned_data
        kept = list(self.instance.prior_funding or [])[1:]
        campaign = (data.get("prior_campaign") or "").strip()
        if not campaign:
            return kept
        first = {
            "campaign": campaign,
            "solution": data.get("prior_solution", "").strip(),
            "operation": data["prior_operation"],
        }
        return [first, *kept]


class DocumentUploadForm(DsfrForm):
    piece_code = forms.CharField(widget=forms.HiddenInput)
    file = forms.FileField(
        label="Fichier",
        help_text=f"Formats acceptés : {ACCEPTED_LABEL}. Taille maximale : {MAX_BYTES // 1024 // 1024} Mo.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE, "class": "fr-upload"}),
    )


class CommentForm(DsfrForm):
    comment = forms.CharField(label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class MessageForm(DsfrForm):
    body = forms.CharField(label="Votre message", widget=forms.Textarea(attrs={"rows": 4}))
