"""Template tags every app's pages use: structured data, responsive images, sitemap entries."""

import datetime
import html
import json
import re

from django import template
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from ..images import FALLBACK_WIDTH, original_size, renditions, srcset, stored_name_from_url
from ..renditions import renditions_missing
from ..sharing import share_links

register = template.Library()


_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def json_ld(data):
    """A JSON-LD <script> block; <, > and & are escaped so no text can close the script element."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308


@register.inclusion_tag("includes/responsive_image.html", takes_context=True)
def responsive_image(context, name, alt="", sizes="100vw", loading="lazy", priority=False, css_class=""):
    """A <picture> with WebP and JPEG/PNG renditions of the stored image `name`, sized for the layout; the original
    at its own size until a worker has made them (core/renditions.py)."""
    return responsive_image_context(context.get("request"), name, alt, sizes, loading, priority, css_class)


def responsive_image_context(request, name, alt="", sizes="100vw", loading="lazy", priority=False, css_class=""):
    shown = {"alt": alt, "sizes": sizes, "loading": loading, "priority": priority, "css_class": css_class}
    made = renditions(name, make=False) if name else None
    if made is None:
        size = original_size(name) if name else None
        if size is None:
            return {"image": None}
        renditions_missing(request, name)
        return {**shown, "image": {"url": default_storage.url(name), "width": size[0], "height": size[1]}}
    fallback = made["fallback"]
    main = next((image for image in fallback if image.width >= FALLBACK_WIDTH), fallback[-1])
    return {**shown, "image": main, "webp_srcset": srcset(made["webp"]), "fallback_srcset": srcset(fallback)}


_BODY_IMAGE = re.compile(r"<img\b[^>]*>")
_ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')
BODY_IMAGE_SIZES = "(min-width: 48rem) 42rem, 100vw"


@register.filter
def responsive_body_images(body, request=None):
    """Serve the images editors put in the body (our uploads) through responsive renditions (`request`: the page's,
    for the page cache to know which images it shows before their renditions are made).

    Only files that are in our own storage under a plain name are touched; any other address is left as it is,
    never opened: a page render must not make the server fetch anything.
    """

    def replace(match):
        attributes = dict(_ATTRIBUTE.findall(match[0]))
        name = stored_name_from_url(html.unescape(attributes.get("src", "")))
        if name is None or not default_storage.exists(name):
            return match[0]
        alt = html.unescape(attributes.get("alt", ""))
        context = responsive_image_context(request, name, alt, BODY_IMAGE_SIZES)
        return render_to_string("includes/responsive_image.html", context) if context["image"] else match[0]

    return mark_safe(_BODY_IMAGE.sub(replace, str(body)))  # noqa: S308


@register.simple_tag
def sitemap_urls(urlset):
    """The <url> entries of a sitemap page. Django's template loop cost about 80 µs an entry (5,000 a page)."""
    entries = []
    for url in urlset:
        entry = f"<url><loc>{html.escape(url['location'])}</loc>"
        lastmod = url["lastmod"]
        if isinstance(lastmod, datetime.datetime):
            # The day where the site is, as Django's own template writes it (`|date:"Y-m-d"`).
            lastmod = (timezone.localtime(lastmod) if timezone.is_aware(lastmod) else lastmod).date()
        if lastmod:
            entry += f"<lastmod>{lastmod.isoformat()}</lastmod>"
        if url["changefreq"]:
            entry += f"<changefreq>{html.escape(url['changefreq'])}</changefreq>"
        if url["priority"]:
            entry += f"<priority>{html.escape(url['priority'])}</priority>"
        entries.append(entry + "</url>")
    return mark_safe("".join(entries))  # noqa: S308 (every value escaped above)


@register.inclusion_tag("includes/share_links.html", takes_context=True)
def share_box(context, shared):
    meta = context["meta"]
    image = dict(meta.og).get("og:image", "")
    return {
        "links": share_links(url=meta.canonical_url, title=shared.title, image_url=image),
        "url": meta.canonical_url,
        "noun": shared._meta.verbose_name,
    }
