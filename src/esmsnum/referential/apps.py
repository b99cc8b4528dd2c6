from django.apps import AppConfig
from django.db.models.signals import post_migrate


def sync_reference_after_migrate(sender, using="default", plan=None, **kwargs) -> None:
    """Keep regions, departments and categories in line with the project's reference files after `migrate`.

    Skipped when the referential's migrations are not all applied (e.g. migrating backwards).
    """
    from django.db import connections
    from django.db.migrations.loader import MigrationLoader

    connection = connections[using]
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    leaves = {key for key in loader.graph.leaf_nodes() if key[0] == sender.label}
    if not leaves or not leaves <= set(loader.applied_migrations):
        return
    from .services import sync_reference_data

    result = sync_reference_data(using=using)
    verbosity = kwargs.get("verbosity", 1)
    if result.changed and verbosity >= 1:
        print(f"Référentiel de base synchronisé ({result.summary()}).")


class ReferentialConfig(AppConfig):
    name = "esmsnum.referential"
    label = "referential"
    verbose_name = "Référentiel FINESS"

    def ready(self) -> None:
        post_migrate.connect(sync_reference_after_migrate, sender=self, dispatch_uid="referential_sync_reference")
