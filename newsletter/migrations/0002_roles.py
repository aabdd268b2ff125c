from django.db import migrations


def sync(apps, schema_editor):
    from clinic.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    """Editors see subscribers and announcements and set the newsletter's settings (clinic.roles)."""

    dependencies = [("newsletter", "0001_initial"), ("blog", "0020_follow_up_roles")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
