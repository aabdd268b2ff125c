from django.middleware.gzip import GZipMiddleware

from blog.images import media_origin

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def _policy(**directives):
    return "; ".join(f"{name.replace('_', '-')} {value}" for name, value in directives.items())


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every answer.

    Public pages run no inline script and no inline style but the clinic's colours, allowed by their hash
    (`request.csp_style_hashes`, set by the `theme_style` tag). The admin gets the same policy with inline styles
    and blob:/data: images allowed, which CKEditor 5 needs; its scripts need no relaxation. Two policies chosen by
    path are why this is a few lines here rather than django-csp, whose per-view overrides cannot reach the
    admin's views.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        common = {
            "default_src": "'self'",
            "script_src": "'self'",
            "connect_src": "'self'",
            "font_src": "'self'",
            "object_src": "'none'",
            "base_uri": "'self'",
            "form_action": "'self'",
            "frame_ancestors": "'none'",
        }
        # style-src comes last: the hashes of a page's inline styles are appended to it. {media} is where
        # uploaded images are served from when that is not this site: the storage's own public origin.
        self.public = _policy(**common, img_src="'self' data:{media}", style_src="'self'")
        self.admin = _policy(**common, img_src="'self' data: blob:{media}", style_src="'self' 'unsafe-inline'")
        self.admin_prefix = "/admin/"

    def __call__(self, request):
        response = self.get_response(request)
        origin = media_origin()
        media = f" {origin}" if origin else ""
        if request.path.startswith(self.admin_prefix):
            policy = self.admin.format(media=media)
        else:
            policy = " ".join([self.public.format(media=media), *sorted(getattr(request, "csp_style_hashes", ()))])
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class TextGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware (with its BREACH mitigation) for text only: pages, feeds, sitemaps.

    Stored pages are compressed by the page cache itself; this covers the first reader of a page, and everyone
    who is logged in. Images and WhiteNoise's static files (already compressed ahead of time) pass untouched.
    """

    COMPRESSIBLE = ("text/", "application/json", "application/xml", "application/rss+xml", "application/atom+xml")

    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith(self.COMPRESSIBLE):
            return response
        return super().process_response(request, response)
