"""Forms of the instruction journey (labels and errors in French)."""

from decimal import Decimal

from django import forms

from esmsnum.domain import selection

MARK_CHOICES = [("", "Non noté")] + [(str(k), f"{k} — {v}") for k, v in selection.MARK_LABELS.items()]
GROUP_CHOICES = [(g.value, g.label) for g in selection.DecisionGroup]


class ScoringForm(forms.Form):
    """One mark (0–5) and one justification per priority criterion of the campaign."""

    def __init__(self, *args, grid=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.grid = list(grid)
        for row in self.grid:
            code = row.criterion.code
            self.fields[f"mark_{code}"] = forms.TypedChoiceField(
                label=row.criterion.label,
                choices=MARK_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                initial="" if row.mark is None else str(row.mark),
            )
            self.fields[f"comment_{code}"] = forms.CharField(
                label="Justification", required=False, max_length=2000, initial=row.comment, widget=forms.Textarea
            )

    def marks(self) -> dict[str, tuple[int | None, str]]:
        return {
            row.criterion.code: (
                self.cleaned_data.get(f"mark_{row.criterion.code}"),
                self.cleaned_data.get(f"comment_{row.criterion.code}", ""),
            )
            for row in self.grid
        }

    def rows(self):
        for row in self.grid:
            yield row, self[f"mark_{row.criterion.code}"], self[f"comment_{row.criterion.code}"]


class WeightsForm(forms.Form):
    def __init__(self, *args, criteria=(), weights=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        weights = weights or {}
        for criterion in self.criteria:
            self.fields[f"weight_{criterion.code}"] = forms.DecimalField(
                label=criterion.label,
                min_value=Decimal(0),
                max_value=selection.WEIGHT_MAX,
                max_digits=4,
                decimal_places=2,
                initial=weights.get(criterion.code, criterion.default_weight),
                localize=True,
                help_text=criterion.reference,
            )

    def weights(self) -> dict[str, Decimal]:
        return {c.code: self.cleaned_data[f"weight_{c.code}"] for c in self.criteria}

    def rows(self):
        for criterion in self.criteria:
            yield criterion, self[f"weight_{criterion.code}"]


class RequestInfoForm(forms.Form):
    body = forms.CharField(
        label="Compléments demandés au porteur",
        help_text="Le message est ajouté aux échanges du dossier ; le porteur peut de nouveau modifier son dossier.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )


class CommentForm(forms.Form):
    comment = forms.CharField(label="Motif", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class DecisionForm(forms.Form):
    session = forms.ModelChoiceField(label="Comité de sélection", queryset=None, empty_label=None)
    group = forms.ChoiceField(label="Groupe", choices=GROUP_CHOICES, widget=forms.RadioSelect)
    amount = forms.DecimalField(
        label="Montant accordé (€)",
        required=False,
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=2,
        localize=True,
        help_text="Groupe A uniquement ; au plus le financement calculé selon les règles de l'appel à projets.",
    )
    recommendation = forms.CharField(
        label="Recommandations ou points de vigilance (facultatif)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text="Repris dans le courrier de décision (002 §4.8).",
    )
    # the version of the decision the person saw: a concurrent amendment is detected (no lost update)
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    override_reason = forms.CharField(
        label="Motif de dépassement de l'enveloppe (seulement si le montant la dépasse)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )

    def __init__(self, *args, sessions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions
        self.fields["session"].label_from_instance = _session_label


def _session_label(session) -> str:
    from .selectors import window_label

    window = window_label(session.campaign, session.window_code)
    window = window if len(window) <= 70 else window[:69] + "…"
    return f"Comité du {session.date:%d/%m/%Y} — {window} (enveloppe {selection.format_eur(session.envelope_eur)})"


class SessionForm(forms.Form):
    campaign = forms.ChoiceField(label="Campagne")
    window_code = forms.ChoiceField(label="Fenêtre de sélection")
    date = forms.DateField(label="Date du comité", widget=forms.DateInput(attrs={"type": "date"}))
    envelope = forms.DecimalField(
        label="Enveloppe régionale (€)",
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=2,
        localize=True,
        help_text="Enveloppe de la campagne pour la région ; les montants engagés par tous les comités de la campagne "
        "s'y imputent.",
    )

    def __init__(self, *args, campaigns=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].choices = [(c.id, c.title) for c in campaigns]
        windows = []
        for campaign in campaigns:
            for window in campaign.windows:
                windows.append((window.code, f"{campaign.title} — {window.label}"))
        self.fields["window_code"].choices = windows


class EnvelopeForm(forms.Form):
    envelope = forms.DecimalField(
        label="Nouvelle enveloppe régionale (€)", min_value=Decimal(0), max_digits=14, decimal_places=2, localize=True
    )
    reason = forms.CharField(label="Motif de la modification", max_length=2000)
