"""Absolute addresses of the site's pages, for canonical links, share links, feeds, sitemaps and emails."""

from django.conf import settings


def site_root(request=None):
    """The site's scheme and host: `SITE_URL` when set, else what the request was made to."""
    if settings.SITE_URL:
        return settings.SITE_URL
    if request is not None:
        return f"{request.scheme}://{request.get_host()}"
    if settings.DEBUG:
        return "http://127.0.0.1:8000"
    host = next((host for host in settings.ALLOWED_HOSTS if host not in ("*", "") and not host.startswith(".")), None)
    return f"https://{host or 'localhost'}"


def absolute_url(path, request=None):
    """`path` (from `reverse()` or `get_absolute_url()`) as an absolute URL; absolute URLs pass unchanged."""
    if path.startswith(("http://", "https://")):
        return path
    return site_root(request) + path
