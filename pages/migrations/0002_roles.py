from django.db import migrations


def sync(apps, schema_editor):
    from clinic.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    """Editors edit pages (clinic.roles.ROLE_PERMISSIONS)."""

    dependencies = [("pages", "0001_initial"), ("blog", "0017_article_updated_index")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
