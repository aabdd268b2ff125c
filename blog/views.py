import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import DatabaseError
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.generic import DetailView, ListView, TemplateView, dates

from clinic.metadata import listing_meta
from clinic.models import clinic_settings
from core.clientip import client_ip
from core.links import with_query_string
from core.optin import BadLink, still_subscribed
from core.pagecache import carry_fresh_token, depends_on, remember

from . import metadata, search
from .commenters import commenter_remember, own_pending_comment_ids, remembered_author
from .followups import comment_subscriptions_confirm, comment_subscriptions_stop, stop_link_subscriptions
from .forms import CommentForm, seconds_since
from .models import (
    Article,
    AuthorProfile,
    Category,
    Comment,
    DiscussionSettings,
    Tag,
    staff_member,
)
from .moderation import CommentRefused
from .services import comment_submit
from .signals import LISTINGS, article_key, discussion_key
from .threads import discussion_page

logger = logging.getLogger(__name__)


class PublishedArticleMixin:
    """The one visibility policy of public pages: only `published()` articles exist for readers."""

    model = Article

    def get_queryset(self):
        return Article.objects.published().for_listing()


class ListingMixin:
    """A list of articles: stored pages of it are stale when any article changes (blog/signals.py LISTINGS)."""

    def get_context_data(self, **kwargs):
        depends_on(self.request, LISTINGS)
        return super().get_context_data(**kwargs)


class PageMetaMixin:
    """Put the page's metadata (`metadata.PageMeta`) in the context as `meta`."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["meta"] = self.get_page_meta(context)
        return context


class RememberedCountPaginator(Paginator):
    """A paginator that counts the articles of a list once per content change (core.pagecache.remember):
    counting every published article is the one part of a list page that grows with the site."""

    def __init__(self, *args, count_key, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self):
        return remember(self.count_key, lambda: Paginator.count.func(self), depends_on=[LISTINGS])


class RememberedCountMixin:
    def get_paginate_by(self, queryset):
        return settings.BLOG_ARTICLES_PER_PAGE

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        return RememberedCountPaginator(
            queryset, per_page, orphans, allow_empty_first_page, count_key=self.count_key(), **kwargs
        )

    def count_key(self):
        arguments = "/".join(f"{name}={value}" for name, value in sorted(self.kwargs.items()))
        return f"article-count:{self.request.resolver_match.view_name}:{arguments}"


class ArticleListView(ListingMixin, RememberedCountMixin, PageMetaMixin, PublishedArticleMixin, ListView):
    """The latest articles, at the home page or at /blog/ (Clinic settings' home page); the other answers 301."""

    template_name = "blog/article_list.html"
    context_object_name = "articles"

    def get(self, request, *args, **kwargs):
        if type(self) is ArticleListView and request.path != clinic_settings(request).articles_path:
            return HttpResponsePermanentRedirect(with_query_string(clinic_settings(request).articles_path, request))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if type(self) is ArticleListView and context["page_obj"].number == 1:
            # Which articles are sticky is remembered per content change: most sites have none, and finding that
            # out would read every published article.
            pks = remember("sticky-articles", self.sticky_pks, depends_on=[LISTINGS])
            if pks:
                sticky = list(self.get_queryset().filter(pk__in=pks))
                context["articles"] = sticky + [article for article in context["articles"] if article not in sticky]
        return context

    def sticky_pks(self):
        return list(
            self.get_queryset().filter(is_sticky=True).values_list("pk", flat=True)[: settings.BLOG_ARTICLES_PER_PAGE]
        )

    def get_page_meta(self, context):
        return listing_meta(
            self.request,
            title=clinic_settings(self.request).name,
            description=clinic_settings(self.request).tagline,
            path=clinic_settings(self.request).articles_path,
            page_obj=context["page_obj"],
        )


class ArticleArchiveView(ArticleListView):
    """Published articles filed under one category, tag or author."""

    archive_model = None
    archive_lookup = None
    archive_kind = None
    template_name = "blog/article_archive.html"

    def get_queryset(self):
        self.archive = get_object_or_404(self.archive_model, slug=self.kwargs["slug"])
        return super().get_queryset().filter(**{self.archive_lookup: self.archive})

    def get_context_data(self, **kwargs):
        return super().get_context_data(archive=self.archive, archive_kind=self.archive_kind, **kwargs)

    def get_page_meta(self, context, **overrides):
        name = str(self.archive)
        fields = {
            "title": f"{self.archive_kind}: {name}",
            "description": getattr(self.archive, "description", "") or f"Articles filed under {name}.",
            "path": self.archive.get_absolute_url(),
            "page_obj": context["page_obj"],
            "trail": [(name, self.archive.get_absolute_url())],
        }
        return listing_meta(self.request, **(fields | overrides))


class CategoryArticleListView(ArticleArchiveView):
    archive_model = Category
    archive_lookup = "category"
    archive_kind = "Category"

    def get_page_meta(self, context):
        meta = super().get_page_meta(context)
        meta.feeds = metadata.category_feeds(self.request, self.archive) + meta.feeds
        return meta


class TagArticleListView(ArticleArchiveView):
    archive_model = Tag
    archive_lookup = "tags"
    archive_kind = "Tag"


class AuthorArticleListView(ArticleArchiveView):
    archive_model = AuthorProfile
    archive_lookup = "author__profile"
    archive_kind = "Author"
    template_name = "blog/author_detail.html"

    def get_page_meta(self, context):
        return super().get_page_meta(
            context,
            description=self.archive.bio or f"Articles by {self.archive.name_with_credentials}.",
            page_type="ProfilePage",
            main_entity=metadata.person(self.request, self.archive),
        )


class DateArchiveMixin(ListingMixin, RememberedCountMixin, PageMetaMixin):
    """Year and month archives of published articles, newest first."""

    date_field = "published_at"
    make_object_list = True
    allow_empty = False
    context_object_name = "articles"
    template_name = "blog/article_archive_date.html"

    def get_queryset(self):
        return Article.objects.published().for_listing()


class YearArchiveView(DateArchiveMixin, dates.YearArchiveView):
    def get_page_meta(self, context):
        year = context["year"].year
        path = reverse("blog:archive-year", kwargs={"year": year})
        return listing_meta(
            self.request,
            title=f"Articles from {year}",
            description=f"Articles published in {year}.",
            path=path,
            page_obj=context["page_obj"],
            trail=[(str(year), path)],
        )


class MonthArchiveView(DateArchiveMixin, dates.MonthArchiveView):
    month_format = "%m"

    def get_page_meta(self, context):
        month = context["month"]
        year_path = reverse("blog:archive-year", kwargs={"year": month.year})
        path = reverse("blog:archive-month", kwargs={"year": month.year, "month": month.month})
        return listing_meta(
            self.request,
            title=f"Articles from {month:%B %Y}",
            description=f"Articles published in {month:%B %Y}.",
            path=path,
            page_obj=context["page_obj"],
            trail=[(str(month.year), year_path), (f"{month:%B}", path)],
        )


class SearchView(ListingMixin, PageMetaMixin, PublishedArticleMixin, ListView):
    """`/search/?q=`: never an error, whatever is typed; see blog/search.py.

    Results are counted afresh (no RememberedCountMixin): queries are endless, and counting costs no more than
    the RANKED_MATCHES newest matches. Other spellings of a search are sent to its one address first (301), so
    that they share its entry in the page cache.
    """

    template_name = "blog/search.html"
    context_object_name = "articles"

    def get(self, request, *args, **kwargs):
        canonical = search.canonical_parameters(request.GET)
        if canonical is not None and canonical != request.META.get("QUERY_STRING", ""):
            return HttpResponsePermanentRedirect(f"{request.path}?{canonical}" if canonical else request.path)
        return super().get(request, *args, **kwargs)

    def get_paginate_by(self, queryset):
        return settings.BLOG_ARTICLES_PER_PAGE

    def get_queryset(self):
        self.query, self.problem = "", ""
        try:
            self.query = search.normalise_query(self.request.GET.get("q", ""))
        except search.QueryTooLong:
            self.problem = f"That search is too long. Please use at most {search.MAX_QUERY_LENGTH} characters."
        if not self.query:
            return Article.objects.none()
        return search.search_articles(super().get_queryset(), self.query)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            query=self.query, problem=self.problem, ranked_matches=f"{search.RANKED_MATCHES:,}", **kwargs
        )
        search.with_snippets(context["articles"], self.query)
        return context

    def get_page_meta(self, context):
        title = f"Search results for “{self.query}”" if self.query else "Search"
        return listing_meta(
            self.request,
            title=title,
            description=f"Search the articles of {clinic_settings(self.request).name}.",
            path=reverse("blog:search"),
            robots="noindex, follow",
            page_type="SearchResultsPage",
        )


class ArticleDetailView(PageMetaMixin, PublishedArticleMixin, DetailView):
    """The article with its discussion and the "Leave a reply" form (posted to `CommentCreateView`)."""

    context_object_name = "article"

    def get_queryset(self):
        return super().get_queryset().select_related("medical_reviewer").prefetch_related("tags", "references")

    def get_object(self, queryset=None):
        article = super().get_object(queryset)
        self.discussion = DiscussionSettings.load()
        return article

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
            carry_fresh_token(self.request, comment_form.initial["started"])
        return super().get_context_data(
            discussion=discussion_page(
                article=self.object,
                per_page=discussion.comments_per_page,
                page_number=self.request.GET.get("cpage"),
                own_comment_ids=own_pending_comment_ids(self.request),
            ),
            comments_open=comments_open,
            comment_form=comment_form,
            discussion_settings=discussion,
            related_articles=self.related_articles(),
            **kwargs,
        )

    def related_articles(self):
        """Articles to read next, remembered until an article changes; the page shows them, so it names them."""
        related = remember(
            f"related-posts:{self.object.pk}",
            lambda: Article.objects.related_to(self.object, settings.BLOG_RELATED_POSTS),
            depends_on=[LISTINGS],
        )
        own = [article_key(self.object.pk), discussion_key(self.object.pk)]
        depends_on(self.request, *own, *(article_key(article.pk) for article in related))
        return related

    def get_page_meta(self, context):
        return metadata.article_meta(self.request, self.object)

    def comment_form_initial(self):
        initial = remembered_author(self.request)
        if initial:
            initial["remember"] = True
        reply_to = self.request.GET.get("replytocom", "")
        if reply_to.isdigit():
            parent = Comment.objects.approved().filter(pk=reply_to, article=self.object).first()
            if parent is not None:
                initial.update(parent=parent.pk, parent_comment=parent)
        return initial


@method_decorator(csrf_exempt, name="dispatch")
class CommentCreateView(ArticleDetailView):
    """A comment posted with "Leave a reply": stored and sent to the commenter's comment, or the article again
    with the form as typed and the reason next to the field.

    Anonymous comments need no CSRF token, so that cached pages can carry the form: a forged anonymous comment
    is no more than anyone can post directly, and it goes through the same moderation. Logged-in users, whose
    comments are published at once, are checked as usual (and never get cached pages).
    """

    http_method_names = ["get", "post"]

    def get_queryset(self):
        # Tags and references are fetched only for the article's page (post), not for a refusal or a redirect.
        return super().get_queryset().prefetch_related(None)

    def get_object(self, queryset=None):
        """The article, also under a slug it had when the commenter opened its page (renamed meanwhile)."""
        queryset = self.get_queryset() if queryset is None else queryset
        slug = self.kwargs["slug"]
        article = queryset.filter(slug=slug).first() or queryset.filter(redirects__old_slug=slug).first()
        if article is None:
            raise Http404("No article here.")
        self.discussion = DiscussionSettings.load()
        return article

    def get(self, request, *args, **kwargs):
        # Someone reloading the address of a form that was sent back: the article's form is where to write.
        return redirect(f"{self.get_object().get_absolute_url()}#respond")

    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            refused = csrf_protect(lambda request: None)(request)
            if refused is not None:
                return refused
        self.object = self.get_object()
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
                    discussion=self.discussion,
                    name=form.cleaned_data["name"],
                    email=form.cleaned_data["email"],
                    url=form.cleaned_data["url"],
                    body=form.cleaned_data["body"],
                    parent=form.cleaned_data["parent"],
                    user=request.user,
                    ip_address=client_ip(request),
                    user_agent=request.headers.get("User-Agent", ""),
                    honeypot=form.cleaned_data["phone"],
                    seconds_to_submit=seconds_since(form.cleaned_data["started"], article=self.object),
                    consent=form.cleaned_data["consent"],
                    follow=form.followed,
                )
            except CommentRefused as refusal:
                form.add_error(refusal.field, refusal.message)
                if refusal.status == 429:
                    return self.comment_refused(form, refusal)
                status = refusal.status
            except DatabaseError:
                # Nothing was stored (comment_submit is one transaction); the form comes back as typed.
                logger.exception("Could not store a comment on %s", self.object.slug, extra={"request": request})
                form.add_error(None, "We could not save your comment just now. Nothing was lost: please send it again.")
                status = 503
            else:
                if verdict.notice:
                    messages.info(request, verdict.notice)
                return self.comment_posted(form, comment)
        prefetch_related_objects([self.object], "tags", "references")
        context = self.get_context_data(object=self.object, comment_form=form)
        return self.render_to_response(context, status=status)

    def comment_refused(self, form, refusal):
        """The flood limit's answer: a small page of its own (not the whole article again) saying why and when to
        send again, with the form as typed, posted to the same address."""
        context = {
            "article": self.object,
            "comment_form": form,
            "comments_open": form.comments_open,
            "discussion_settings": self.discussion,
            "retry_after": refusal.retry_after,
            "rate_limit_seconds": settings.COMMENT_RATE_LIMIT_SECONDS,
        }
        headers = {"Retry-After": str(refusal.retry_after)} if refusal.retry_after else None
        return TemplateResponse(self.request, "blog/comment_refused.html", context, status=429, headers=headers)

    def comment_posted(self, form, comment):
        """Send the commenter to their comment, remembering them only if they asked to."""
        response = redirect(comment.get_absolute_url(per_page=self.discussion.comments_per_page))
        remembered = form.cleaned_data["remember"] and not form.staff
        commenter_remember(
            self.request,
            response,
            author=form.cleaned_data if remembered else None,
            held_comment=None if comment.is_approved else comment,
        )
        return response


class ArticlePreviewView(ArticleDetailView):
    """A draft or scheduled article exactly as readers will see it, for the people who may edit it.

    Other staff members are told why not (403); anyone else gets a 404, as for an address that does not exist.
    """

    http_method_names = ["get", "head"]

    def get_queryset(self):
        return Article.objects.for_listing().select_related("medical_reviewer").prefetch_related("tags", "references")

    unsaved = False

    def get_object(self, queryset=None):
        article = super().get_object(queryset)
        if not article.can_be_previewed_by(self.request.user):
            if staff_member(self.request.user) is not None:
                # Staff know the article exists (it is in the admin); say why, instead of a puzzling 404.
                raise PermissionDenied(
                    f"A preview of an unpublished article is for its author, {article.author_name}, and the editors."
                )
            raise Http404("No article to preview here.")
        if article.published_at is None:
            # A draft is shown as if it were published now (never saved).
            article.published_at = timezone.now()
        return article

    def get_context_data(self, **kwargs):
        return super().get_context_data(preview=True, preview_unsaved=self.unsaved, **kwargs)

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        patch_cache_control(response, private=True, no_store=True)
        return response


@method_decorator(never_cache, name="dispatch")
class FollowConfirmView(TemplateView):
    """The link of a follow-up confirmation email: confirms, once, what the address asked for."""

    template_name = "blog/follow_confirm.html"

    def get(self, request, token):
        try:
            confirmed = comment_subscriptions_confirm(token=token)
        except BadLink as bad:
            return self.render_to_response({"bad_link": bad.reason}, status=400)
        return self.render_to_response({"confirmed": confirmed})


@method_decorator([never_cache, csrf_exempt], name="dispatch")
class FollowStopView(TemplateView):
    """The unsubscribe link of a follow-up email: a page with a button, and the POST mail programs send for
    their own Unsubscribe button (RFC 8058). The signed link is the authority, so the POST needs no CSRF token
    and no login, and the same link may be used again."""

    template_name = "blog/follow_stop.html"

    def get(self, request, token):
        try:
            article, subscriptions = stop_link_subscriptions(token)
        except BadLink as bad:
            return self.render_to_response({"bad_link": bad.reason}, status=400)
        # Opened again once stopped: say so, rather than ask again.
        stopped = not still_subscribed(subscriptions).exists()
        return self.render_to_response({"article": article, "stopped": stopped})

    def post(self, request, token):
        try:
            article, _stopped = comment_subscriptions_stop(token=token)
        except BadLink as bad:
            return self.render_to_response({"bad_link": bad.reason}, status=400)
        return self.render_to_response({"stopped": True, "article": article})
