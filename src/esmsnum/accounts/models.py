"""Users and their role. A user has exactly one role; porteurs belong to an organisation, instructors to a region."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models


class Role(models.TextChoices):
    PORTEUR = "porteur", "Porteur de projet (organisme gestionnaire)"
    INSTRUCTOR = "instructor", "Instructeur ARS"
    GRADES = "grades", "Support GRADeS"
    NATIONAL = "national", "Équipe nationale du programme"
    ADMIN = "admin", "Administrateur"


class PlatformUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    role = models.CharField("rôle", max_length=12, choices=Role.choices, default=Role.PORTEUR)
    organisation = models.ForeignKey(
        "referential.Organisation",
        verbose_name="organisme gestionnaire",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    region = models.ForeignKey(
        "referential.Region",
        verbose_name="région (ARS / GRADeS)",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )

    objects = PlatformUserManager()

    class Meta:
        verbose_name = "utilisateur"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="porteur") | models.Q(organisation__isnull=False),
                name="porteur_has_organisation",
            ),
            models.CheckConstraint(
                condition=~models.Q(role__in=["instructor", "grades"]) | models.Q(region__isnull=False),
                name="instructor_has_region",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def affiliation(self) -> str:
        """Who the user acts for, as shown in the header (French)."""
        if self.role == Role.PORTEUR and self.organisation_id:
            return self.organisation.name or f"OG {self.organisation.finess_ej}"
        if self.role == Role.INSTRUCTOR and self.region_id:
            return f"ARS {self.region.name}"
        if self.role == Role.GRADES and self.region_id:
            return f"GRADeS {self.region.name}"
        if self.role == Role.NATIONAL:
            return "Équipe nationale du programme"
        return self.get_role_display()
