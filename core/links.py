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


def is_site_path(address):
    """Whether `address` is a path of this site (`/about/`) as a browser reads it, not another site in disguise.

    Browsers read a backslash as a slash and drop tabs and line breaks, so `/\\evil.example/` and `/<tab>/evil.example/`
    lead to another host, as `//evil.example/` does.
    """
    return not has_hidden_characters(address) and address.startswith("/") and not address.startswith("//")


def has_hidden_characters(address):
    """Whether `address` holds what a browser reads differently from how it looks (backslashes, tabs, breaks)."""
    return any(character == "\\" or not character.isprintable() for character in address)


def with_query_string(address, request):
    """`address` with the query string `request` came with, for a redirect that keeps it (`?utm_source=…`)."""
    query = request.META.get("QUERY_STRING", "")
    return address + (("&" if "?" in address else "?") + query if query else "")
