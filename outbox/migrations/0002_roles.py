from django.db import migrations


def sync(apps, schema_editor):
    from clinic.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    """Editors see the emails sent and send a failed one again (clinic.roles.ROLE_PERMISSIONS)."""

    dependencies = [("outbox", "0001_initial"), ("pages", "0004_search_text"), ("redirects", "0002_roles")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
