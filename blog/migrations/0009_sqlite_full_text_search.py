from django.db import migrations

# SQLite has no tsvector: an FTS5 index kept in step with blog_article by triggers gives its search an index
# too (blog/search.py). PostgreSQL uses the GIN index of migration 0006 instead.
DROP = [
    "DROP TRIGGER IF EXISTS blog_article_fts_insert",
    "DROP TRIGGER IF EXISTS blog_article_fts_delete",
    "DROP TRIGGER IF EXISTS blog_article_fts_update",
    "DROP TABLE IF EXISTS blog_article_fts",
]


def create_index(apps, schema_editor):
    """Nothing now: the index reads Article.search_body, which migration 0018 adds; 0018 and every migrate's end
    (blog/apps.py) create it."""


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("blog", "0008_roles")]

    operations = [migrations.RunPython(create_index, drop_index)]
