"""Admin roles as permission groups."""

from django.contrib.auth.models import Group, Permission

EDITOR_GROUP = "Editor"


def editor_group():
    """Return the "Editor" group, granted every permission on the blog's content."""
    group, _ = Group.objects.get_or_create(name=EDITOR_GROUP)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="blog"))
    return group
