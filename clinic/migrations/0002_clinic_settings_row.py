from django.db import migrations


def create_clinic_settings(apps, schema_editor):
    apps.get_model("clinic", "ClinicSettings").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("clinic", "0001_initial")]

    operations = [migrations.RunPython(create_clinic_settings, migrations.RunPython.noop)]
