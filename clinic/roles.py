"""Admin roles as permission groups, created by migrations (0008_roles) and kept in sync by `sync_roles()`.

Object-level rules (own articles only, no publishing without the permission) are enforced in blog/admin.py.
"""

EDITOR, AUTHOR, CONTRIBUTOR, MODERATOR = "Editor", "Author", "Contributor", "Moderator"

_WRITING = [
    "blog.add_article",
    "blog.change_article",
    "blog.view_article",
    "blog.view_historicalarticle",
    "blog.add_reference",
    "blog.change_reference",
    "blog.delete_reference",
    "blog.view_reference",
    "blog.view_category",
    "blog.view_tag",
    "blog.add_tag",
    "blog.view_authorprofile",
    # The media library: their own uploads, and the images of published content (library/models.py).
    "library.view_mediaitem",
    "library.add_mediaitem",
    "library.change_mediaitem",
]

ROLE_PERMISSIONS = {
    # Everything about content, comments and settings: every permission of the blog, pages, media library, menus,
    # redirects, clinic, outbox (the emails sent; sending a failed one again) and newsletter (subscribers,
    # announcements, its settings) apps, the failed-login records of django-axes (seeing and lifting lockouts), and
    # staff accounts, which they see, add and change (never delete: deactivate) within clinic/accounts.py's limits.
    EDITOR: ["blog.*", "pages.*", "library.*", "menus.*", "redirects.*", "clinic.*", "outbox.*", "newsletter.*",
             "axes.*", "auth.view_user", "auth.add_user", "auth.change_user"],
    # Writes, publishes and deletes their own articles only.
    AUTHOR: [*_WRITING, "blog.publish_article", "blog.delete_article", "library.delete_mediaitem"],
    # Writes their own drafts; an editor publishes them.
    CONTRIBUTOR: _WRITING,
    # Comments only, replies as the clinic included (seeing articles is needed to filter comments by article).
    MODERATOR: ["blog.view_comment", "blog.add_comment", "blog.change_comment", "blog.delete_comment",
                "blog.moderate_comment", "blog.view_article"],
}  # fmt: skip


def _permissions(Permission, names):
    found = Permission.objects.none()
    for name in names:
        app_label, codename = name.split(".")
        if codename == "*":
            found |= Permission.objects.filter(content_type__app_label=app_label)
        else:
            found |= Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    return found


def sync_roles(apps=None):
    """Create the four groups and give each exactly its permissions.

    From a migration, pass its `apps`: permissions are normally created after all migrations ran, so they
    are created here first.
    """
    if apps is None:
        from django.apps import apps
    else:
        from django.contrib.auth.management import create_permissions

        for app_config in apps.get_app_configs():
            app_config.models_module = True
            create_permissions(app_config, apps=apps, verbosity=0)
            app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, permission_names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(_permissions(Permission, permission_names))


def editor_group():
    from django.contrib.auth.models import Group

    sync_roles()
    return Group.objects.get(name=EDITOR)
