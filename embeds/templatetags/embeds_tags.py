"""Videos in a page's body, drawn as placeholders that ask nothing of the video platform until a reader presses
play (static/js/video.js then puts the platform's privacy-enhanced player in their place)."""

import html

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeData, mark_safe

from core.pagecache import depends_on
from core.sanitize import VIDEO_FIGURE
from core.video import PROVIDERS, allowed_providers, parse_video_url

from ..models import RETRY_AFTER
from ..services import rows_for, video_key, videos_fetch_queue, videos_in

register = template.Library()


@register.filter
def video_embeds(body, request=None):
    """Each video the (sanitized) body embeds as a link to it on its platform, with its stored thumbnail and
    title and a play button; `request`: the page's, whose Content-Security-Policy then allows the player's frames
    (`request.csp_frame_sources`) and whose page-cache entry is renewed when the video's details arrive.

    Only trusted markup is touched: anything not marked safe is given back as it came, to be escaped.
    """
    if not isinstance(body, SafeData) or "<oembed" not in body:
        return body
    videos = videos_in(body)
    rows = rows_for(videos)
    if request:  # a template without one gives ""
        request.csp_frame_sources = {
            *getattr(request, "csp_frame_sources", ()),
            *(video.provider.frame_origin for video in videos),
        }
        depends_on(request, *(video_key(video) for video in videos))
    # A video saved before it could be fetched (offline, an import) is asked for by its first reader's page.
    videos_fetch_queue(videos, rows=rows, retry_after=RETRY_AFTER)

    allowed = allowed_providers()

    def placeholder(match):
        video = parse_video_url(html.unescape(match.group(1)), providers=PROVIDERS.values())
        if video is None:
            return ""
        if video.provider not in allowed:  # its platform was taken off the allowlist since: a link, no player
            return render_to_string("embeds/video_link.html", {"video": video})
        row = rows.get((video.provider.name, video.video_id))
        context = {
            "video": video,
            "title": row.shown_title if row else f"Video on {video.provider.label}",
            "thumbnail": row.thumbnail if row and row.thumbnail else None,
            "thumbnail_width": row.thumbnail_width if row else None,
            "thumbnail_height": row.thumbnail_height if row else None,
        }
        return render_to_string("embeds/video.html", context)

    return mark_safe(VIDEO_FIGURE.sub(placeholder, str(body)))  # noqa: S308 (the template escapes what it shows)
