"""Building one page of an article's threaded discussion in a fixed number of queries."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Q

from .models import Comment

OWN_STATUSES = [Comment.Status.PENDING, Comment.Status.SPAM]


@dataclass
class DiscussionPage:
    article: object
    count: int
    page: Page
    threads: list

    @property
    def has_comments(self):
        return bool(self.threads)

    @property
    def url(self):
        return self.article.discussion_url(self.page.number)

    @property
    def previous_url(self):
        return self.article.discussion_url(self.page.previous_page_number()) if self.page.has_previous() else ""

    @property
    def next_url(self):
        return self.article.discussion_url(self.page.next_page_number()) if self.page.has_next() else ""

    def reply_url(self, comment):
        return self.article.discussion_url(self.page.number, reply_to=comment.pk)


def discussion_page(*, article, per_page, page_number, own_comment_ids=()):
    """Approved comments of `article`, oldest first, `per_page` threads a page, each comment with `.children`.

    `own_comment_ids` are the visitor's own comments still held for moderation: they are shown to them, in
    place, marked as awaiting moderation (a held top-level comment comes at the end of the last page).
    """
    comments = Comment.objects.filter(article=article).for_display()
    roots = comments.approved().filter(parent=None)
    page = Paginator(roots, per_page).get_page(page_number)
    threads = list(page)
    own_comment_ids = list(own_comment_ids)[:50]
    visible = Q(status=Comment.Status.APPROVED)
    if own_comment_ids:
        visible |= Q(pk__in=own_comment_ids, status__in=OWN_STATUSES)
        if not page.has_next():
            threads += comments.filter(parent=None, pk__in=own_comment_ids, status__in=OWN_STATUSES)
    replies = list(comments.filter(visible, thread_id__in=[root.pk for root in threads]).exclude(parent=None))
    _nest(threads, replies)
    count = Comment.objects.filter(article=article).approved().count()
    return DiscussionPage(article=article, count=count, page=page, threads=threads)


def _nest(roots, replies):
    """Attach each reply to its parent's `.children`; a reply whose parent is not shown is left out."""
    by_id = {}
    for comment in [*roots, *replies]:
        comment.children = []
        by_id[comment.pk] = comment
    # Replies arrive oldest first, so a parent is always placed before its children are looked up.
    for reply in replies:
        parent = by_id.get(reply.parent_id)
        if parent is None:
            by_id.pop(reply.pk, None)
            continue
        parent.children.append(reply)
