from django.db import migrations


def create(apps, schema_editor):
    from clinic.roles import sync_roles

    Menu = apps.get_model("menus", "Menu")
    for location in ("header", "footer"):
        Menu.objects.get_or_create(location=location)
    sync_roles(apps)


class Migration(migrations.Migration):
    """The header and footer menus, and Editors edit them (clinic.roles.ROLE_PERMISSIONS)."""

    dependencies = [("menus", "0001_initial"), ("pages", "0002_roles")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
