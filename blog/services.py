"""Writes with side effects: validate, save in a transaction; the emails they cause are stored with it and sent
by a worker once it commits (outbox)."""

import datetime
import hashlib
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import linebreaks
from django.utils.text import slugify

from clinic.models import clinic_settings
from core.links import absolute_url
from core.names import first_free
from core.pagecache import invalidate
from outbox.services import email_queue, emails_deliver_later, emails_erase

from .followups import comment_followers_notify, comment_subscription_create
from .models import Article, ArticleRedirect, Comment, DiscussionSettings, Tag, staff_member
from .moderation import CommentRefused, Submission, moderate

logger = logging.getLogger(__name__)

ERASED_NAME = "Anonymous"
ERASED_BODY = "This comment was removed at its author's request."


def comment_submit(
    *,
    article,
    discussion=None,
    name,
    email,
    url="",
    body,
    parent=None,
    user=None,
    ip_address=None,
    user_agent="",
    honeypot="",
    seconds_to_submit=None,
    consent=False,
    follow=None,
):
    """Judge a comment by the rules in moderation.py and store it; return (comment, verdict).

    Raises moderation.CommentRefused, with nothing stored, when a rule refuses the comment. `discussion` is the
    DiscussionSettings the caller already read, if it did. `follow`, a CommentSubscription.Scope, subscribes the
    commenter to follow-up comments (blog/followups.py).
    """
    discussion = discussion or DiscussionSettings.load()
    staff = staff_member(user)
    if staff is not None:
        name = name or staff.get_full_name() or staff.get_username()
        email = email or staff.email
    submission = Submission(
        article=article,
        discussion=discussion,
        name=name,
        email=email,
        url=url,
        body=body,
        user=staff,
        ip_address=ip_address,
        user_agent=user_agent,
        honeypot=honeypot,
        seconds_to_submit=seconds_to_submit,
    )
    parent = _reply_level_parent(parent, discussion.thread_depth)
    with transaction.atomic():
        _serialize_refusal_checks(submission)
        verdict = moderate(submission)
        comment = Comment.objects.create(
            article=article,
            parent=parent,
            user=staff,
            name=name,
            email=email,
            url=url,
            body=body,
            status=verdict.status,
            held_reason=verdict.reason,
            ip_address=ip_address,
            # PostgreSQL refuses NUL characters in text; a header may carry one.
            user_agent=user_agent.replace("\x00", "")[:500],
            consent_at=timezone.now() if consent or staff else None,
        )
        if comment.status == Comment.Status.PENDING and discussion.notify_moderators:
            _email_moderators(comment)
        if comment.is_approved and discussion.notify_authors:
            _email_article_author(comment)
        if follow and comment.email:
            comment_subscription_create(comment=comment, scope=follow)
        if comment.is_approved:
            comment_followers_notify(comment)
    return comment, verdict


def _serialize_refusal_checks(submission):
    """Make the flood limit and the duplicate check hold when identical or rapid comments arrive at once.

    Both rules read the comments and then insert one: two posts at the same moment would each find nothing
    and both be stored. So the check and the insert run under a lock held until the transaction ends, and
    the second post waits for the first to commit, then sees it and is refused.
    - PostgreSQL: transaction-level advisory locks, one per client address (flood limit) and one per article,
      email and text (duplicates), always taken in that order so that two posts never wait on each other.
      They need no table or column and are released by the commit or rollback itself.
    - SQLite has one writer at a time, and its transactions begin IMMEDIATE (clinic/settings/base.py): the
      whole check and insert runs alone, the others wait for the write lock (busy timeout) and then see it.
    A unique constraint would not do on either: the flood limit is a time window, not a key, and the text
    (up to 65,525 characters) is too long for a unique index without a stored hash column.
    """
    if connection.vendor != "postgresql":
        return
    keys = [f"comment-duplicate:{submission.article.pk}:{submission.email.strip().lower()}:{submission.body}"]
    if submission.ip_address and settings.COMMENT_RATE_LIMIT_SECONDS and not submission.is_staff:
        keys.insert(0, f"comment-flood:{submission.ip_address}")
    with connection.cursor() as cursor:
        for key in keys:
            digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest, "big", signed=True)])


def _reply_level_parent(parent, thread_depth):
    """Climb from `parent` until a reply under it stays within `thread_depth` levels."""
    while parent is not None and parent.depth >= thread_depth:
        parent = parent.parent
    return parent


def comment_set_status(*, comments, status):
    """Move `comments` to `status` (approve, spam, trash, restore to pending); return how many changed."""
    discussion = DiscussionSettings.load()
    changed, emails = 0, []
    with transaction.atomic():
        for comment in comments.select_related("article__author").exclude(status=status):
            comment.status = status
            comment.save(update_fields=["status", "updated_at"])
            changed += 1
            if status == Comment.Status.APPROVED:
                if discussion.notify_authors:
                    emails.append(_email_article_author(comment, deliver=False))
                emails += comment_followers_notify(comment, deliver=False)
        # One task, one connection to the mail server, for the whole approval.
        emails_deliver_later([email for email in emails if email is not None])
    return changed


def comment_reply(*, parent, user, body):
    """Publish staff member `user`'s reply to `parent` as a clinic reply; return it.

    A reply to a comment still waiting approves that comment first, as WordPress's "Approve and Reply" does: an
    answer under a hidden question would make no sense to readers. Raises moderation.CommentRefused, with nothing
    stored, for a comment in spam or trash, or a reply the rules refuse (the same text twice).
    """
    if parent.status not in (Comment.Status.PENDING, Comment.Status.APPROVED):
        raise CommentRefused("Restore this comment before replying to it.", field="body")
    with transaction.atomic():
        if parent.status == Comment.Status.PENDING:
            comment_set_status(comments=Comment.objects.filter(pk=parent.pk), status=Comment.Status.APPROVED)
        reply, _verdict = comment_submit(article=parent.article, parent=parent, user=user, name="", email="", body=body)
    return reply


def commenter_export(*, email):
    """The comments written with this email address, for a data access request (core/privacy.py)."""
    comments = Comment.objects.by_email(email).select_related("article").order_by("created_at")
    return [
        {
            "article": comment.article.title,
            "article_url": absolute_url(comment.article.get_absolute_url()),
            "name": comment.name,
            "email": comment.email,
            "website": comment.url,
            "comment": comment.body,
            "status": comment.status,
            "ip_address": comment.ip_address,
            "user_agent": comment.user_agent,
            "consent_given_at": comment.consent_at.isoformat() if comment.consent_at else None,
            "created_at": comment.created_at.isoformat(),
        }
        for comment in comments
    ]


def commenter_erase(*, email):
    """Erase the commenter's personal data from every comment they wrote; return how many comments.

    The comments stay in place, anonymised and emptied, so that replies from others keep their thread. The
    emails the site sent about them (to moderators, to authors) quoted them: their text is erased too.
    """
    invalidate()
    comments = Comment.objects.by_email(email)
    with transaction.atomic():
        emails_erase(address=email, quoting=list(comments.values_list("body", flat=True)))
        return comments.update(
            name=ERASED_NAME,
            email="",
            url="",
            body=ERASED_BODY,
            ip_address=None,
            user_agent="",
            consent_at=None,
            updated_at=timezone.now(),
        )


def comment_tracking_data_purge(*, older_than_days):
    """Erase IP addresses and user agents of comments older than the retention period; return how many."""
    cutoff = timezone.now() - datetime.timedelta(days=older_than_days)
    stale = Comment.objects.filter(created_at__lt=cutoff).filter(~Q(user_agent="") | Q(ip_address__isnull=False))
    return stale.update(ip_address=None, user_agent="")


def _staff_with(codename):
    """Active users with the blog permission `codename` who have an email address."""
    permission = Permission.objects.get(content_type__app_label="blog", codename=codename)
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(email="")
        .filter(Q(is_superuser=True) | Q(user_permissions=permission) | Q(groups__permissions=permission))
        .distinct()
    )


def comment_moderators():
    """Active users allowed to moderate comments who have an email address."""
    return _staff_with("moderate_comment")


def article_reviewers(article):
    """Who is told that `article` waits for review: those who publish others' articles, and its medical reviewer."""
    publishers = set(_staff_with("publish_article").values_list("email", flat=True))
    emails = publishers & set(_staff_with("edit_others_articles").values_list("email", flat=True))
    reviewer = article.medical_reviewer.user if article.medical_reviewer_id else None
    if reviewer is not None and reviewer.is_active and reviewer.email:
        emails.add(reviewer.email)
    return sorted(emails)


def article_submit_for_review(*, article, user):
    """Mark `article` as waiting for review (the caller saves it) and tell its reviewers once it is saved."""
    article.status, article.submitted_at, article.review_note = Article.Status.REVIEW, timezone.now(), ""
    transaction.on_commit(lambda: _email_reviewers(article, user))


def _email_reviewers(article, user):
    recipients = [email for email in article_reviewers(article) if email != user.email]
    if not recipients:
        return None
    site_name = clinic_settings().name
    return email_queue(
        kind="Article submitted for review",
        subject=f"[{site_name}] “{article.title}” is waiting for review",
        template="blog/email/review_requested.txt",
        context={
            "article": article,
            "submitted_by": user.get_full_name() or user.get_username(),
            "site_name": site_name,
            "change_url": _admin_url("admin:blog_article_change", article.pk),
            "preview_url": absolute_url(article.get_preview_url()),
            "queue_url": _admin_url("admin:blog_article_changelist") + "?status__exact=review",
        },
        recipients=recipients,
    )


def article_request_changes(*, article, user):
    """Send `article` back to its writer as a draft with the reviewer's note (set on it; the caller saves it)."""
    article.status = Article.Status.DRAFT
    transaction.on_commit(lambda: _email_writer(article, user))


def _email_writer(article, user):
    if not article.author.email or article.author_id == user.pk:
        return None
    site_name = clinic_settings().name
    return email_queue(
        kind="Changes requested",
        subject=f"[{site_name}] Changes requested on “{article.title}”",
        template="blog/email/changes_requested.txt",
        context={
            "article": article,
            "reviewer": user.get_full_name() or user.get_username(),
            "site_name": site_name,
            "change_url": _admin_url("admin:blog_article_change", article.pk),
        },
        recipients=[article.author.email],
    )


def _admin_url(name, *args):
    return absolute_url(reverse(name, args=args))


def _email_moderators(comment):
    recipients = list(comment_moderators().values_list("email", flat=True))
    if not recipients:
        return None
    site_name = clinic_settings().name
    context = {
        "comment": comment,
        "site_name": site_name,
        "change_url": _admin_url("admin:blog_comment_change", comment.pk),
        "pending_url": _admin_url("admin:blog_comment_changelist") + "?status__exact=pending",
        "article_url": absolute_url(comment.article.get_absolute_url()),
    }
    return email_queue(
        kind="Comment held for moderation",
        subject=f"[{site_name}] Comment waiting for moderation on “{comment.article.title}”",
        template="blog/email/comment_pending.txt",
        context=context,
        recipients=recipients,
    )


def _email_article_author(comment, deliver=True):
    author = comment.article.author
    if not author.email or comment.user_id == author.pk:
        return None
    site_name = clinic_settings().name
    context = {
        "comment": comment,
        "site_name": site_name,
        "comment_url": absolute_url(comment.get_absolute_url()),
    }
    return email_queue(
        kind="New comment for the article's author",
        subject=f"[{site_name}] New comment on “{comment.article.title}”",
        template="blog/email/comment_approved.txt",
        context=context,
        recipients=[author.email],
        deliver=deliver,
    )


def article_quick_draft(*, author, title, text=""):
    """Save a draft by `author` from the dashboard's few lines (paragraphs at blank lines); return it."""
    slug = first_free(slugify(title)[:190] or "draft", lambda slug: Article.objects.filter(slug=slug).exists(), 200)
    return Article.objects.create(
        author=author, title=title, slug=slug, body=linebreaks(text, autoescape=True), status=Article.Status.DRAFT
    )


def article_trash(*, article):
    """Move `article` to the Trash: off every public page at once, its comments and references kept."""
    article.trash()
    article.save()


def article_restore(*, article):
    """Take `article` out of the Trash; return a message when it could not come back as it was.

    If its address was taken meanwhile, it gets the first free one and comes back as a draft, to be checked before
    it is published again at a new address.
    """
    trashed_slug, wanted = article.slug, article.slug_before_trash
    same_address = article.untrash(lambda slug: Article.objects.filter(slug=slug).exclude(pk=article.pk).exists())
    if not same_address:
        article.status = Article.Status.DRAFT
    article.save()
    ArticleRedirect.objects.filter(old_slug=trashed_slug).delete()  # the Trash's own name is no old address
    if same_address:
        return None
    return (
        f"The address /blog/{wanted}/ was taken while “{article.title}” was in the Trash, so it is back as "
        f"a draft at /blog/{article.slug}/: check its address, then publish it."
    )


def articles_trash_purge():
    """Delete for good the articles in the Trash for longer than settings.TRASH_DAYS; return how many."""
    expired = list(Article.objects.trash_expired())
    for article in expired:
        article.delete()
    return len(expired)


def tags_get_or_create(names):
    """The tags called `names` (whatever the case), each made when there is none yet, in the order given."""
    tags = []
    for name in names:
        tag = Tag.objects.filter(name__iexact=name).first()
        if tag is None:
            slug = first_free(slugify(name)[:54] or "tag", lambda slug: Tag.objects.filter(slug=slug).exists())
            tag = Tag.objects.create(name=name, slug=slug)
        tags.append(tag)
    return tags
