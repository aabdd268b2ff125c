from django.db import migrations


def sync(apps, schema_editor):
    from clinic.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    """Editors keep the redirects and read the 404 log (clinic.roles.ROLE_PERMISSIONS)."""

    dependencies = [("redirects", "0001_initial"), ("menus", "0002_menus_and_roles")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
