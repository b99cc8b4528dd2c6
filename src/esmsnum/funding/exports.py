"""Payment orders for the accounting system: CSV (French: ``;``, decimal comma, UTF-8 with BOM) and XLSX, through
the project's export helpers (``esmsnum.instruction.exports``)."""

from __future__ import annotations

from collections.abc import Iterable

from esmsnum.domain.campaigns import UnknownCampaign, get_campaign
from esmsnum.instruction.exports import DATE, MONEY, TEXT, Column, to_csv, to_xlsx

from .models import PaymentOrder

COLUMNS = [
    Column("Numéro d'ordre", TEXT, 18),
    Column("Date d'émission", DATE),
    Column("Exercice", TEXT),
    Column("ARS payeuse", TEXT, 28),
    Column("Code région", TEXT),
    Column("Dossier", TEXT),
    Column("Campagne", TEXT, 24),
    Column("Tranche", TEXT, 30),
    Column("Part libérée d'un solde retenu", TEXT),
    Column("Bénéficiaire", TEXT, 36),
    Column("FINESS juridique", TEXT),
    Column("Montant", MONEY),
]


def _tranche_label(campaign_id: str, code: str) -> str:
    try:
        campaign = get_campaign(campaign_id)
    except UnknownCampaign:
        return code
    return next((t.label for t in campaign.tranches if t.code == code), code)


def rows(orders: Iterable[PaymentOrder]) -> list[list]:
    return [
        [
            order.number,
            order.issued_on,
            str(order.year),
            order.region.name,
            order.region_id,
            order.dossier.reference,
            order.dossier.campaign,
            _tranche_label(order.dossier.campaign, order.tranche),
            "oui" if order.released else "non",
            order.dossier.porteur.name,
            order.dossier.porteur.finess_ej,
            order.amount_eur,
        ]
        for order in orders
    ]


def payment_orders_csv(orders: Iterable[PaymentOrder]) -> bytes:
    return to_csv(COLUMNS, rows(orders))


def payment_orders_xlsx(orders: Iterable[PaymentOrder]) -> bytes:
    return to_xlsx(COLUMNS, rows(orders), sheet_title="Ordres de paiement")
