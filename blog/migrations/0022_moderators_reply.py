from django.db import migrations


def sync(apps, schema_editor):
    from clinic.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    """Moderators reply to comments as the clinic (clinic.roles.ROLE_PERMISSIONS: blog.add_comment)."""

    dependencies = [("blog", "0021_article_is_sticky")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
