from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView

from .images import generated_image_name, validate_raster_image
from .models import Article, Category, Tag


class PublishedArticleMixin:
    """The one visibility policy of public pages: only `published()` articles exist for readers."""

    model = Article

    def get_queryset(self):
        return Article.objects.published().for_listing()


class ArticleListView(PublishedArticleMixin, ListView):
    template_name = "blog/article_list.html"
    context_object_name = "articles"

    def get_paginate_by(self, queryset):
        return settings.BLOG_ARTICLES_PER_PAGE


class ArticleArchiveView(ArticleListView):
    """Published articles filed under one category or tag."""

    archive_model = None
    template_name = "blog/article_archive.html"

    def get_queryset(self):
        self.archive = get_object_or_404(self.archive_model, slug=self.kwargs["slug"])
        return super().get_queryset().filter(**{self.archive_lookup: self.archive})

    def get_context_data(self, **kwargs):
        return super().get_context_data(archive=self.archive, archive_kind=self.archive_kind, **kwargs)


class CategoryArticleListView(ArticleArchiveView):
    archive_model = Category
    archive_lookup = "category"
    archive_kind = "Category"


class TagArticleListView(ArticleArchiveView):
    archive_model = Tag
    archive_lookup = "tags"
    archive_kind = "Tag"


class ArticleDetailView(PublishedArticleMixin, DetailView):
    context_object_name = "article"

    def get_queryset(self):
        return super().get_queryset().prefetch_related("tags")


def legacy_article_redirect(request, slug):
    """Send the old WordPress address `/<slug>/` permanently to the article's address."""
    article = get_object_or_404(Article.objects.published(), slug=slug)
    return redirect(article, permanent=True)


def _upload_error(message, status):
    # CKEditor's upload adapter shows `error.message` to the editor.
    return JsonResponse({"error": {"message": message}}, status=status)


@require_POST
def editor_image_upload(request):
    """Store an image inserted in the article editor and return its URL in CKEditor's format."""
    user = request.user
    if not (user.is_active and user.is_staff):
        return _upload_error("Log in to the admin to upload images.", 403)
    if not (user.has_perm("blog.add_article") or user.has_perm("blog.change_article")):
        return _upload_error("You do not have permission to add images to articles.", 403)
    upload = request.FILES.get("upload")
    if upload is None:
        return _upload_error("No file was received. Choose an image to upload.", 400)
    try:
        image_format = validate_raster_image(upload)
    except ValidationError as error:
        return _upload_error(error.messages[0], 400)
    name = default_storage.save(generated_image_name("editor", image_format), upload)
    return JsonResponse({"url": default_storage.url(name)})
