import html
import json
import re

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils.html import format_html, linebreaks, urlize
from django.utils.safestring import mark_safe

from ..images import FALLBACK_WIDTH, renditions, srcset
from ..models import Article, Category, Comment
from ..sharing import share_links

register = template.Library()


@register.simple_tag
def nav_categories():
    """Categories that have at least one published article, for the main navigation."""
    return Category.objects.with_published_articles()


@register.filter(needs_autoescape=True)
def comment_html(text, autoescape=True):
    """A commenter's plain text as HTML: escaped, paragraphs and line breaks kept, addresses made links."""
    linked = urlize(text, nofollow=True, autoescape=autoescape)
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
    """Serve the images editors put in the body (our uploads) through responsive renditions."""
    media_url = settings.MEDIA_URL

    def replace(match):
        attributes = dict(_ATTRIBUTE.findall(match[0]))
        src = html.unescape(attributes.get("src", ""))
        if not src.startswith(media_url):
            return match[0]
        alt = html.unescape(attributes.get("alt", ""))
        context = responsive_image(src.removeprefix(media_url), alt, BODY_IMAGE_SIZES)
        return render_to_string("includes/responsive_image.html", context) if context["image"] else match[0]

    return mark_safe(_BODY_IMAGE.sub(replace, str(body)))  # noqa: S308
