from django.contrib import admin
from django.utils import timezone

from .models import Article, Category, Tag


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "status_label", "published_at", "category", "author_name"]
    list_display_links = ["title"]
    list_filter = ["status", "category", "tags", "author"]
    list_select_related = ["category", "author"]
    search_fields = ["title", "excerpt", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["category", "tags"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        ("Content", {"fields": ["title", "slug", "excerpt", "body"]}),
        ("Featured image", {"fields": ["featured_image", "featured_image_alt"]}),
        ("Organisation", {"fields": ["category", "tags"]}),
        ("Publishing", {"fields": ["status", "published_at", "author", "allow_comments", "created_at", "updated_at"]}),
    ]

    @admin.display(description="status", ordering="status")
    def status_label(self, article):
        if (
            article.status == Article.Status.PUBLISHED
            and article.published_at
            and article.published_at > timezone.now()
        ):
            return "Scheduled"
        return article.get_status_display()

    @admin.display(description="author", ordering="author__last_name")
    def author_name(self, article):
        return article.author.get_full_name() or article.author.get_username()

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}
