from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    # Sign-in limits live in the database cache (settings.CACHES), so every server shares them.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_invitation_pupilgrant")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
