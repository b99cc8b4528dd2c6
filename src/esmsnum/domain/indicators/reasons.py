"""Reason codes of bad rows (produced by definition.sql and the file adapter) and their French wording."""

from __future__ import annotations

from dataclasses import dataclass

KINDS = ("update", "agenda", "mss_sent", "dmp_document", "eprescription_import", "eparcours_exchange")

TABLE_LABELS = {
    "dossiers": "dossiers",
    "personalised_projects": "personalised_projects",
    "events": "events",
}

_MESSAGES = {
    "finess_missing": "numéro FINESS manquant",
    "finess_format": "numéro FINESS « {value} » mal formé (9 caractères : 2 de département puis 7 chiffres)",
    "finess_key": "clé du numéro FINESS « {value} » fausse",
    "dossier_id_missing": "identifiant de dossier manquant",
    "dossier_duplicate": "dossier « {value} » en double dans cet ESSMS (toutes ses lignes sont écartées)",
    "dossier_unknown": "dossier « {value} » absent de la table dossiers pour cet ESSMS",
    "admission_date_missing": "date d'admission manquante",
    "admission_date_invalid": "date d'admission « {value} » invalide (format attendu : AAAA-MM-JJ)",
    "exit_date_invalid": "date de sortie « {value} » invalide (format attendu : AAAA-MM-JJ)",
    "exit_definitive_invalid": "valeur « {value} » invalide pour exit_definitive (true ou false attendu)",
    "exit_before_admission": "date de sortie antérieure à la date d'admission",
    "started_on_missing": "date de début du projet personnalisé manquante",
    "started_on_invalid": "date de début « {value} » invalide (format attendu : AAAA-MM-JJ)",
    "ended_on_invalid": "date de fin « {value} » invalide (format attendu : AAAA-MM-JJ)",
    "ended_before_start": "date de fin du projet personnalisé antérieure à sa date de début",
    "occurred_on_missing": "date de l'événement manquante",
    "occurred_on_invalid": (
        "date de l'événement « {value} » invalide (format attendu : AAAA-MM-JJ ou AAAA-MM-JJTHH:MM:SS)"
    ),
    "kind_missing": "type d'événement manquant",
    "kind_unknown": "type d'événement « {value} » inconnu (types admis : " + ", ".join(KINDS) + ")",
    "csv_structure": "ligne illisible : {value}",
}

SHORT = {
    "finess_missing": "FINESS manquant",
    "finess_format": "FINESS mal formé",
    "finess_key": "clé FINESS fausse",
    "dossier_id_missing": "identifiant de dossier manquant",
    "dossier_duplicate": "dossier en double",
    "dossier_unknown": "dossier inconnu",
    "admission_date_missing": "date d'admission manquante",
    "admission_date_invalid": "date d'admission invalide",
    "exit_date_invalid": "date de sortie invalide",
    "exit_definitive_invalid": "exit_definitive invalide",
    "exit_before_admission": "sortie avant l'admission",
    "started_on_missing": "début de projet manquant",
    "started_on_invalid": "début de projet invalide",
    "ended_on_invalid": "fin de projet invalide",
    "ended_before_start": "fin de projet avant son début",
    "occurred_on_missing": "date d'événement manquante",
    "occurred_on_invalid": "date d'événement invalide",
    "kind_missing": "type d'événement manquant",
    "kind_unknown": "type d'événement inconnu",
    "csv_structure": "ligne illisible",
}


def _visible(value: str | None) -> str:
    """The value as shown in a message: line breaks and tabs made visible, long values shortened."""
    if value is None:
        return ""
    text = value.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")
    return text if len(text) <= 60 else text[:57] + "…"


def reason_message(reason: str, value: str | None = None) -> str:
    template = _MESSAGES.get(reason, reason)
    return template.format(value=_visible(value))


@dataclass(frozen=True)
class BadRow:
    """One bad row: its table, its line (CSV: line of the file, header = 1; Parquet: row number, 1-based)."""

    table: str
    line: int
    reason: str
    value: str | None = None
    parquet: bool = False

    @property
    def message(self) -> str:
        return reason_message(self.reason, self.value)

    def describe(self) -> str:
        where = f"enregistrement n° {self.line}" if self.parquet else f"ligne {self.line}"
        return f"{self.table}, {where} : {self.message}"
