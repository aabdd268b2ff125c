import django.contrib.postgres.search
from django.db import migrations, models
from django.utils.text import slugify


def fill_author_slugs(apps, schema_editor):
    AuthorProfile = apps.get_model("blog", "AuthorProfile")
    for profile in AuthorProfile.objects.all():
        base = slugify(profile.display_name) or f"author-{profile.pk}"
        slug, number = base, 1
        while AuthorProfile.objects.filter(slug=slug).exclude(pk=profile.pk).exists():
            number += 1
            slug = f"{base}-{number}"
        profile.slug = slug
        profile.save(update_fields=["slug"])


def create_search_index(apps, schema_editor):
    """A GIN index on the stored search vector; PostgreSQL only (SQLite searches without it)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            'CREATE INDEX IF NOT EXISTS "blog_article_search_vector_gin" ON "blog_article" USING gin ("search_vector")'
        )


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('DROP INDEX IF EXISTS "blog_article_search_vector_gin"')


def fill_search_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from django.contrib.postgres.search import SearchVector

    apps.get_model("blog", "Article").objects.update(
        search_vector=SearchVector("title", weight="A", config="english")
        + SearchVector("excerpt", weight="B", config="english")
        + SearchVector("body", weight="C", config="english")
    )


class Migration(migrations.Migration):
    dependencies = [("blog", "0005_seo_and_related")]

    operations = [
        migrations.AddField(
            model_name="authorprofile",
            name="slug",
            field=models.SlugField(max_length=120, null=True, db_index=False),
        ),
        migrations.RunPython(fill_author_slugs, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="authorprofile",
            name="slug",
            field=models.SlugField(
                help_text="The author page's address: /author/this-part/. Not the login name.",
                max_length=120,
                unique=True,
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(fill_search_vectors, migrations.RunPython.noop),
        migrations.RunPython(create_search_index, drop_search_index),
    ]
