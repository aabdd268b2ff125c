from django.db import migrations


def sync(apps, schema_editor):
    from clinic.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("blog", "0011_clean_images"), ("axes", "0009_add_session_hash")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
