import json

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView

from .forms import CommentForm, seconds_since
from .images import generated_image_name, validate_raster_image
from .models import Article, Category, Comment, DiscussionSettings, Tag
from .moderation import CommentRefused
from .services import comment_submit
from .threads import discussion_page

COMMENT_AUTHOR_COOKIE = "comment_author"
PENDING_COMMENTS_COOKIE = "comment_pending"
COOKIE_SALT = "blog.comments"
ONE_YEAR = 365 * 24 * 3600
THIRTY_DAYS = 30 * 24 * 3600


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
    """The article with its discussion; a POST here is a comment ("Leave a reply")."""

    context_object_name = "article"

    def get_queryset(self):
        return super().get_queryset().prefetch_related("tags")

    def get_context_data(self, comment_form=None, **kwargs):
        discussion = self.discussion
        comments_open = self.object.comments_open(discussion)
        if comment_form is None:
            comment_form = CommentForm(
                article=self.object,
                comments_open=comments_open,
                user=self.request.user,
                initial=self.comment_form_initial(),
            )
        return super().get_context_data(
            discussion=discussion_page(
                article=self.object,
                per_page=discussion.comments_per_page,
                page_number=self.request.GET.get("cpage"),
                own_comment_ids=self.own_pending_comment_ids(),
            ),
            comments_open=comments_open,
            comment_form=comment_form,
            discussion_settings=discussion,
            **kwargs,
        )

    def own_pending_comment_ids(self):
        ids = _read_cookie(self.request, PENDING_COMMENTS_COOKIE, default=[])
        return [pk for pk in ids if isinstance(pk, int)]

    def comment_form_initial(self):
        remembered = _read_cookie(self.request, COMMENT_AUTHOR_COOKIE, default={})
        initial = {key: remembered[key] for key in ("name", "email", "url") if isinstance(remembered.get(key), str)}
        if initial:
            initial["remember"] = True
        reply_to = self.request.GET.get("replytocom", "")
        if reply_to.isdigit():
            parent = Comment.objects.approved().filter(pk=reply_to, article=self.object).first()
            if parent is not None:
                initial.update(parent=parent.pk, parent_comment=parent)
        return initial

    def get(self, request, *args, **kwargs):
        self.discussion = DiscussionSettings.load()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.discussion = DiscussionSettings.load()
        form = CommentForm(
            request.POST,
            article=self.object,
            comments_open=self.object.comments_open(self.discussion),
            user=request.user,
        )
        status = 400
        if form.is_valid():
            try:
                comment, verdict = comment_submit(
                    article=self.object,
                    name=form.cleaned_data["name"],
                    email=form.cleaned_data["email"],
                    url=form.cleaned_data["url"],
                    body=form.cleaned_data["body"],
                    parent=form.cleaned_data["parent"],
                    user=request.user,
                    ip_address=request.META.get("REMOTE_ADDR"),
                    user_agent=request.headers.get("User-Agent", ""),
                    honeypot=form.cleaned_data["phone"],
                    seconds_to_submit=seconds_since(form.cleaned_data["started"]),
                    consent=form.cleaned_data["consent"],
                )
            except CommentRefused as refusal:
                form.add_error(refusal.field, refusal.message)
                status = refusal.status
            else:
                if verdict.notice:
                    messages.info(request, verdict.notice)
                return self.comment_posted(form, comment)
        context = self.get_context_data(object=self.object, comment_form=form)
        return self.render_to_response(context, status=status)

    def comment_posted(self, form, comment):
        """Send the commenter to their comment, remembering them only if they asked to."""
        response = redirect(comment.get_absolute_url())
        secure = self.request.is_secure()
        if form.cleaned_data["remember"] and not form.staff:
            author = {key: form.cleaned_data[key] for key in ("name", "email", "url")}
            _write_cookie(response, COMMENT_AUTHOR_COOKIE, author, max_age=ONE_YEAR, secure=secure)
        else:
            response.delete_cookie(COMMENT_AUTHOR_COOKIE, samesite="Lax")
        if not comment.is_approved:
            own = [comment.pk, *self.own_pending_comment_ids()][:50]
            _write_cookie(response, PENDING_COMMENTS_COOKIE, own, max_age=THIRTY_DAYS, secure=secure)
        return response


def _read_cookie(request, name, *, default):
    """A signed JSON cookie's value, or `default` when it is missing, forged or not of `default`'s type."""
    try:
        value = json.loads(request.get_signed_cookie(name, salt=COOKIE_SALT))
    except (KeyError, signing.BadSignature, ValueError):
        return default
    return value if isinstance(value, type(default)) else default


def _write_cookie(response, name, value, *, max_age, secure):
    response.set_signed_cookie(
        name, json.dumps(value), salt=COOKIE_SALT, max_age=max_age, httponly=True, samesite="Lax", secure=secure
    )


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
