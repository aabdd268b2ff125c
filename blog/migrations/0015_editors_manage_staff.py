from django.db import migrations


def sync(apps, schema_editor):
    from clinic.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    """Editors see, add and change staff accounts (clinic.roles.ROLE_PERMISSIONS)."""

    dependencies = [("blog", "0014_discussion_settings_bounds"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
