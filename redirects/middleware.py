"""Redirects and the 404 log, after everything else had its chance (last in MIDDLEWARE but the WordPress one)."""

from django.http import HttpResponsePermanentRedirect, HttpResponseRedirect
from django.middleware.common import CommonMiddleware
from django.template.response import TemplateResponse

from core.links import with_query_string

from .models import Redirect, not_found_record


class RedirectFallbackMiddleware:
    """A 404 for an address with a redirect answers it (counted); any other 404 is counted in the log.

    Sits outside wordpress.middleware: WordPress's address shapes answer first where what they name exists, then
    an editor's redirects; an address either of them answers is not logged as missing.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.slash_added = CommonMiddleware(get_response)

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        if "\x00" in request.path_info:  # never an address of ours, and PostgreSQL refuses a NUL in a query
            return response
        redirect = Redirect.objects.filter(old_path=request.path_info).first()
        if redirect is None:
            # CommonMiddleware (outside) answers a 301 to the address with a slash: not missing, not logged.
            if not self.slash_added.should_redirect_with_slash(request):
                referrer = request.META.get("HTTP_REFERER", "").replace("\x00", "")
                not_found_record(path=request.path_info, referrer=referrer)
            return response
        redirect.record_hit()
        if redirect.kind == Redirect.Kind.GONE:
            return TemplateResponse(request, "410.html", status=410).render()
        target = with_query_string(redirect.new_address, request)
        if redirect.kind == Redirect.Kind.TEMPORARY:
            return HttpResponseRedirect(target)
        return HttpResponsePermanentRedirect(target)
