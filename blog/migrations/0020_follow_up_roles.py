from django.db import migrations


def sync(apps, schema_editor):
    from clinic.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    """Editors see follow-up subscriptions and unsubscribe an address (clinic.roles.ROLE_PERMISSIONS: blog.*)."""

    dependencies = [("blog", "0019_comment_follow_ups"), ("outbox", "0002_roles")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
