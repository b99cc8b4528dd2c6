# The audit trail leaves the dossiers app for its own (esmsnum.audit): state only, the table and its rows stay.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0003_clock_timestamps"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="AuditEntry")],
            database_operations=[],
        ),
    ]
