"""The dossiers' queryset: who may see which dossier (written once), and the joins of the list and detail pages."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class DossierQuerySet(models.QuerySet):
    def visible_to(self, user) -> DossierQuerySet:
        """Every dossier ``user`` may open (see ``permissions``: the porteur its organisation's dossiers and those of
        the grappes it belongs to; instructors and GRADeS their region's filed dossiers; national every filed one;
        administrators everything)."""
        from esmsnum.accounts.models import Role

        from .models import Status

        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        if user.role == Role.ADMIN:
            return self.all()
        if user.role == Role.NATIONAL:
            return self.exclude(status=Status.DRAFT)
        if user.role in (Role.INSTRUCTOR, Role.GRADES):
            if not user.region_id:
                return self.none()
            return self.filter(region_id=user.region_id).exclude(status=Status.DRAFT)
        if user.role == Role.PORTEUR and user.organisation_id:
            return self.filter(
                Q(porteur_id=user.organisation_id) | Q(members__organisation_id=user.organisation_id)
            ).distinct()
        return self.none()

    def update(self, **kwargs) -> int:
        """Bulk updates never change a status (the transition service does, with its table and log)."""
        if "status" in kwargs:
            raise ValueError("L'état d'un dossier ne change que par une transition du circuit.")
        return super().update(**kwargs)

    def for_list(self) -> DossierQuerySet:
        """What a list row shows: the region and the porteur."""
        return self.select_related("region", "porteur")

    def for_detail(self) -> DossierQuerySet:
        """What a dossier page shows about the dossier itself."""
        return self.select_related("region", "porteur", "created_by")
