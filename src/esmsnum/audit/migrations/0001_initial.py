# The audit trail arrives from the dossiers app: state only, on its existing table ``dossiers_auditentry``.
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import esmsnum.core.clock


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("dossiers", "0004_auditentry_moves_to_audit"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AuditEntry",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("object_id", models.CharField(max_length=64)),
                        ("field", models.CharField(max_length=64, verbose_name="donnée")),
                        ("old_value", models.JSONField(blank=True, null=True, verbose_name="ancienne valeur")),
                        ("new_value", models.JSONField(blank=True, null=True, verbose_name="nouvelle valeur")),
                        ("at", models.DateTimeField(default=esmsnum.core.clock.now, verbose_name="le")),
                        ("comment", models.TextField(blank=True, verbose_name="motif")),
                        (
                            "by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="par",
                            ),
                        ),
                        (
                            "content_type",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, to="contenttypes.contenttype"
                            ),
                        ),
                        (
                            "dossier",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="audit",
                                to="dossiers.dossier",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "entrée d'historique",
                        "verbose_name_plural": "historique des montants et décisions",
                        "db_table": "dossiers_auditentry",
                        "ordering": ["at", "id"],
                        "indexes": [models.Index(fields=["content_type", "object_id"], name="dossiers_au_content_abad50_idx")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
