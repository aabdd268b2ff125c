import re
from html import escape

from django import template
from django.utils import timezone
from django.utils.html import linebreaks, urlize
from django.utils.safestring import mark_safe

register = template.Library()


_PARAGRAPH_BREAK = re.compile(r"\n{2,}")
_MAYBE_LINK = re.compile(r"://|www\.|@|\.(?:com|org|net)\b", re.IGNORECASE)


@register.simple_tag
def comment_threads(discussion, comments_open):
    """The page's comments as nested list items, replies inside their parent.

    Drawn in Python rather than with a template per comment: a page holds up to fifty threads, and the
    template engine's cost per comment made a busy article several times slower to render than a quiet one.
    Everything that comes from a commenter is escaped here (`escape`), or by `comment_html`.
    """
    page_url = escape(discussion.url)
    awaiting = '<p class="comment__awaiting" role="status">Your comment is awaiting moderation.</p>'

    def draw(comment):
        name = escape(comment.display_name)
        clinic = comment.is_clinic_reply
        author = name
        if comment.url and not clinic:
            author = f'<a href="{escape(comment.url)}" rel="nofollow ugc noopener">{name}</a>'
        badge = ""
        if clinic:
            role = getattr(getattr(comment.user, "profile", None), "job_title", "")
            badge = ' <span class="badge">Clinic team</span>'
            badge += f' <span class="comment__role">{escape(role)}</span>' if role else ""
        reply = ""
        if comment.is_approved and comments_open:
            reply_url = escape(discussion.reply_url(comment))
            reply = (
                f'<p class="comment__actions"><a class="comment__reply" href="{reply_url}#respond">'
                f'Reply<span class="visually-hidden"> to {name}</span></a></p>'
            )
        children = ""
        if comment.children:
            children = (
                '<ol class="comment-list comment-list--children">'
                + "".join(draw(child) for child in comment.children)
                + "</ol>"
            )
        return (
            f'<li id="comment-{comment.pk}" class="comment{" comment--clinic" if clinic else ""}">'
            f'<article class="comment__card"><header class="comment__meta">'
            f'<span class="avatar avatar--{comment.avatar_colour}" aria-hidden="true">{escape(comment.initials)}</span>'
            f'<span class="comment__who"><b class="comment__author">{author}</b>{badge} '
            f'<a class="comment__permalink" href="{page_url}#comment-{comment.pk}">{_comment_time(comment)}</a>'
            f"</span></header>{'' if comment.is_approved else awaiting}"
            f'<div class="comment__text">{comment_html(comment.body)}</div>{reply}</article>{children}</li>'
        )

    return mark_safe("".join(draw(comment) for comment in discussion.threads))  # noqa: S308


def _comment_time(comment):
    """<time> of a comment, e.g. "March 20, 2026 at 2:05 p.m." (what the date filter would write, faster)."""
    created = timezone.localtime(comment.created_at)
    hour = created.hour % 12 or 12
    noon = "a.m." if created.hour < 12 else "p.m."
    text = f"{created:%B} {created.day}, {created.year} at {hour}:{created.minute:02d} {noon}"
    if created.hour in (0, 12) and created.minute == 0:
        text = text.replace(f"{hour}:00 {noon}", "midnight" if created.hour == 0 else "noon")
    return f'<time datetime="{created.isoformat()}">{text}</time>'


@register.filter
def comment_html(text):
    """A commenter's plain text as HTML: escaped, paragraphs and line breaks kept, addresses made links."""
    if not _MAYBE_LINK.search(text):
        paragraphs = _PARAGRAPH_BREAK.split(text.replace("\r\n", "\n").strip())
        return mark_safe("\n\n".join(f"<p>{escape(part).replace(chr(10), '<br>')}</p>" for part in paragraphs))  # noqa: S308
    linked = urlize(text, nofollow=True, autoescape=True)
    # urlize escapes everything else, so a commenter's own text can never contain this attribute.
    linked = linked.replace('rel="nofollow"', 'rel="nofollow ugc noopener"')
    return mark_safe(linebreaks(linked, autoescape=False))  # noqa: S308


@register.filter
def thoughts_heading(count):
    return "One thought" if count == 1 else f"{count} thoughts"


_CITATION = re.compile(r"\[(\d{1,3})\]")
_TAG = re.compile(r"(<[^>]+>)")


@register.filter
def cite_references(body, count):
    """Turn "[1]" in the (sanitized) body into links to the numbered references, for numbers that exist.

    Only text between tags is touched, never attributes, and never text already inside a link.
    """
    pieces, inside_link = [], False
    for piece in _TAG.split(body):
        if piece.startswith("<"):
            name = piece[1:].split(None, 1)[0].rstrip(">").lower() if len(piece) > 2 else ""
            inside_link = name == "a" or (inside_link and name != "/a")
        elif not inside_link:
            piece = _CITATION.sub(
                lambda match: (
                    f'<a class="citation" href="#ref-{match[1]}" id="cite-{match[1]}">[{match[1]}]</a>'
                    if 1 <= int(match[1]) <= count
                    else match[0]
                ),
                piece,
            )
        pieces.append(piece)
    return mark_safe("".join(pieces))  # noqa: S308
