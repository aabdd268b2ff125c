from django.db import migrations

# SQLite has no tsvector: an FTS5 index kept in step with blog_article by triggers gives the fallback search
# an index too, so it does not scan every article. PostgreSQL uses the GIN index of migration 0006 instead.
CREATE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS blog_article_fts USING fts5("
    "title, excerpt, body, content='blog_article', content_rowid='id', tokenize='porter unicode61')",
    "CREATE TRIGGER IF NOT EXISTS blog_article_fts_insert AFTER INSERT ON blog_article BEGIN "
    "INSERT INTO blog_article_fts(rowid, title, excerpt, body) VALUES (new.id, new.title, new.excerpt, new.body); END",
    "CREATE TRIGGER IF NOT EXISTS blog_article_fts_delete AFTER DELETE ON blog_article BEGIN "
    "INSERT INTO blog_article_fts(blog_article_fts, rowid, title, excerpt, body) "
    "VALUES ('delete', old.id, old.title, old.excerpt, old.body); END",
    "CREATE TRIGGER IF NOT EXISTS blog_article_fts_update AFTER UPDATE ON blog_article BEGIN "
    "INSERT INTO blog_article_fts(blog_article_fts, rowid, title, excerpt, body) "
    "VALUES ('delete', old.id, old.title, old.excerpt, old.body); "
    "INSERT INTO blog_article_fts(rowid, title, excerpt, body) VALUES (new.id, new.title, new.excerpt, new.body); END",
    "INSERT INTO blog_article_fts(blog_article_fts) VALUES ('rebuild')",
]
DROP = [
    "DROP TRIGGER IF EXISTS blog_article_fts_insert",
    "DROP TRIGGER IF EXISTS blog_article_fts_delete",
    "DROP TRIGGER IF EXISTS blog_article_fts_update",
    "DROP TABLE IF EXISTS blog_article_fts",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("blog", "0008_roles")]

    operations = [migrations.RunPython(run(CREATE), run(DROP))]
