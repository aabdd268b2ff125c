import html
import json
import re
from html import escape

from django import template
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html, linebreaks, urlize
from django.utils.safestring import mark_safe

from ..images import FALLBACK_WIDTH, renditions, srcset, stored_name_from_url
from ..models import Article, Category, Comment
from ..sharing import share_links

register = template.Library()


@register.simple_tag
def nav_categories():
    """Categories that have at least one published article, for the main navigation."""
    return Category.objects.with_published_articles()


_PARAGRAPH_BREAK = re.compile(r"\n{2,}")
_MAYBE_LINK = re.compile(r"://|www\.|@|\.(?:com|org|net)\b", re.IGNORECASE)


@register.simple_tag
def comment_threads(discussion, comments_open):
    """The page's comments as nested list items, replies inside their parent.

    Drawn in Python rather than with a template per comment: a page holds up to fifty threads, and the
    template engine's cost per comment made a busy article several times slower to render than a quiet one.
    Everything that comes from a commenter is escaped here (`escape`), or by `comment_html`.
    """
    number = discussion.page.number
    page_query = f"?cpage={number}" if number > 1 else ""
    reply_query = f"?cpage={number}&amp;replytocom=" if number > 1 else "?replytocom="
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
            reply = (
                f'<p class="comment__actions"><a class="comment__reply" href="{reply_query}{comment.pk}#respond">'
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
            f'<a class="comment__permalink" href="{page_query}#comment-{comment.pk}">{_comment_time(comment)}</a>'
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


@register.simple_tag
def pending_comment_count():
    return Comment.objects.pending().count()


_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def json_ld(data):
    """A JSON-LD <script> block; <, > and & are escaped so no text can close the script element."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308


@register.inclusion_tag("blog/includes/share_links.html", takes_context=True)
def share_box(context, article):
    meta = context["meta"]
    image = dict(meta.og).get("og:image", "")
    return {
        "links": share_links(url=meta.canonical_url, title=article.title, image_url=image),
        "url": meta.canonical_url,
    }


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


@register.simple_tag(takes_context=True)
def overdue_reviews(context, limit=10):
    """Articles overdue for medical review that the current admin user may see, most overdue first."""
    articles = Article.objects.review_overdue().order_by("next_review_at")
    user = context["request"].user
    if not user.has_perm("blog.edit_others_articles"):
        articles = articles.filter(author=user)
    return articles[:limit]


@register.inclusion_tag("includes/responsive_image.html")
def responsive_image(name, alt="", sizes="100vw", loading="lazy", priority=False, css_class=""):
    """A <picture> with WebP and JPEG/PNG renditions of the stored image `name`, sized for the layout."""
    made = renditions(name) if name else None
    if made is None:
        return {"image": None}
    fallback = made["fallback"]
    main = next((image for image in fallback if image.width >= FALLBACK_WIDTH), fallback[-1])
    return {
        "image": main,
        "webp_srcset": srcset(made["webp"]),
        "fallback_srcset": srcset(fallback),
        "alt": alt,
        "sizes": sizes,
        "loading": loading,
        "priority": priority,
        "css_class": css_class,
    }


_BODY_IMAGE = re.compile(r"<img\b[^>]*>")
_ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')
BODY_IMAGE_SIZES = "(min-width: 48rem) 42rem, 100vw"


@register.filter
def responsive_body_images(body):
    """Serve the images editors put in the body (our uploads) through responsive renditions.

    Only files that are in our own storage under a plain name are touched; any other address is left as it is,
    never opened: a page render must not make the server fetch anything.
    """

    def replace(match):
        attributes = dict(_ATTRIBUTE.findall(match[0]))
        name = stored_name_from_url(html.unescape(attributes.get("src", "")))
        if name is None or not default_storage.exists(name):
            return match[0]
        alt = html.unescape(attributes.get("alt", ""))
        context = responsive_image(name, alt, BODY_IMAGE_SIZES)
        return render_to_string("includes/responsive_image.html", context) if context["image"] else match[0]

    return mark_safe(_BODY_IMAGE.sub(replace, str(body)))  # noqa: S308
