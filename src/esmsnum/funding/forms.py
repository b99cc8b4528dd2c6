"""Forms of the funding page (French labels; the services check the rules)."""

from django import forms

from .models import MilestoneKind, WithheldKind


class DateInput(forms.DateInput):
    input_type = "date"


class SignedConventionForm(forms.Form):
    signed_on = forms.DateField(label="Date de signature", widget=DateInput)
    file = forms.FileField(label="Convention signée (PDF)")


class FileForm(forms.Form):
    file = forms.FileField(label="Convention de grappe signée (PDF)")


class MilestoneForm(forms.Form):
    kind = forms.ChoiceField(label="Jalon", choices=MilestoneKind.choices)
    completed_on = forms.DateField(label="Date de fin", widget=DateInput)
    invoice = forms.FileField(label="Facture (obligatoire en 2021)", required=False)
    proof = forms.FileField(label="Autre justificatif (procès-verbal de fin, par exemple)", required=False)
    comment = forms.CharField(label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class StatementForm(forms.Form):
    stated_on = forms.DateField(label="Date de l'état", widget=DateInput)
    certifier = forms.CharField(label="Visé par (comptable public ou commissaire aux comptes)", max_length=120)
    file = forms.FileField(label="État récapitulatif visé")

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.line_codes = []
        for code, label in lines:
            self.fields[f"line_{code}"] = forms.DecimalField(
                label=f"Dépense réelle — {label} (€)", min_value=0, decimal_places=2, max_digits=14, required=False
            )
            self.line_codes.append(code)

    def expenses(self) -> dict:
        return {
            code: self.cleaned_data[f"line_{code}"]
            for code in self.line_codes
            if self.cleaned_data.get(f"line_{code}") is not None
        }


class ReviewForm(forms.Form):
    accept = forms.TypedChoiceField(
        choices=[("1", "Accepter"), ("0", "Demander à reprendre")], coerce=lambda v: v == "1"
    )
    comment = forms.CharField(label="Observation", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class OrderForm(forms.Form):
    tranche = forms.CharField(max_length=32)
    region = forms.CharField(max_length=3)


class RecoveryForm(forms.Form):
    reason = forms.CharField(label="Motif", widget=forms.Textarea(attrs={"rows": 2}))
    abandoned = forms.BooleanField(
        label="Projet abandonné : recouvrer le montant versé diminué des dépenses réelles certifiées", required=False
    )


class WithheldForm(forms.Form):
    kind = forms.ChoiceField(label="Décision", choices=WithheldKind.choices)
    reason = forms.CharField(label="Motif", widget=forms.Textarea(attrs={"rows": 2}))
    new_deadline = forms.DateField(label="Nouvelle échéance (prolongation)", required=False, widget=DateInput)
