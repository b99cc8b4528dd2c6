"""The platform's words for its codes, defined once (pure: used by the engine, the models, the pages, the letters).

Each code has one label; where a short form is needed (a table cell, a select), it is defined here too, beside the
long one, so that the two cannot drift apart.
"""

VERDICT_LABELS = {
    "eligible": "Éligible",
    "needs_review": "À examiner par l'ARS",
    "ineligible": "Non éligible",
}
# DSFR badge colour of each verdict and finding status
VERDICT_BADGES = {"eligible": "success", "needs_review": "warning", "ineligible": "error"}

FINDING_STATUS_LABELS = {
    "pass": "Conforme",
    "warn": "À examiner",
    "fail": "Non conforme",
    "info": "Information",
}
FINDING_STATUS_BADGES = {"pass": "success", "warn": "warning", "fail": "error", "info": "info"}
FINDING_STATUS_ICONS = {
    "pass": "fr-icon-checkbox-circle-fill",
    "warn": "fr-icon-warning-fill",
    "fail": "fr-icon-close-circle-fill",
    "info": "fr-icon-information-fill",
}

PROJECT_TYPE_LABELS = {
    "acquisition": "Acquisition d'un DUI",
    "upgrade": "Mise en conformité (montée de version Ségur)",
    "mixed": "Projet mixte (acquisition et mise en conformité)",
    "deployment": "Déploiement (50 ESSMS ou plus)",
}

SITUATION_LABELS = {
    "acquisition": "Acquisition d'un DUI",
    "upgrade": "Mise en conformité du DUI existant",
}
SITUATION_SHORT_LABELS = {"acquisition": "Acquisition", "upgrade": "Mise en conformité"}

# an earlier funded operation (prior funding of an ESSMS)
PRIOR_OPERATION_LABELS = {**SITUATION_LABELS, "other": "Autre opération"}

HOSTING_LABELS = {
    "saas": "Hébergé chez l'éditeur (SaaS)",
    "on_premise": "Hébergé sur site",
}
HOSTING_SHORT_LABELS = {"saas": "SaaS", "on_premise": "Sur site"}
