from django.db import migrations


def create_discussion_settings(apps, schema_editor):
    apps.get_model("blog", "DiscussionSettings").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("blog", "0003_comments")]

    operations = [migrations.RunPython(create_discussion_settings, migrations.RunPython.noop)]
