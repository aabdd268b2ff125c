from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.generic import DetailView

from clinic.models import clinic_settings
from core.links import with_query_string
from core.pagecache import depends_on

from . import metadata
from .models import Page, PageRedirect
from .signals import page_key


class PageDetailView(DetailView):
    """A published page at its address in the tree (`/treatments/prolotherapy/`); an old address answers 301."""

    context_object_name = "page"
    http_method_names = ["get", "head"]
    preview = unsaved = is_home = False

    def get_queryset(self):
        return Page.objects.published()

    def dispatch(self, request, *args, **kwargs):
        if "\x00" in kwargs.get("path", ""):
            # No page's address holds a NUL, and PostgreSQL refuses one in a query.
            raise Http404("No page here.")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        home = None if self.preview or self.is_home else clinic_settings(request).home_page_shown
        if home is not None and home.path == kwargs.get("path"):
            # The home page has one address, the site's own.
            return HttpResponsePermanentRedirect(with_query_string(reverse("home"), request))
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            moved = PageRedirect.objects.select_related("page").filter(old_path=kwargs.get("path", "")).first()
            if moved is None or not self.get_queryset().filter(pk=moved.page_id).exists():
                raise
            return HttpResponsePermanentRedirect(with_query_string(moved.page.get_absolute_url(), request))

    def http_method_not_allowed(self, request, *args, **kwargs):
        """405 for a page that exists; an address where no page is stays a 404, whatever the method."""
        self.get_object()
        return super().http_method_not_allowed(request, *args, **kwargs)

    def get_object(self, queryset=None):
        queryset = self.get_queryset() if queryset is None else queryset
        page = queryset.filter(path=self.kwargs["path"]).first()
        if page is None:
            raise Http404("No page here.")
        return page

    def get_template_names(self):
        return [f"pages/page_{self.object.template}.html", "pages/page_plain.html"]

    def get_context_data(self, **kwargs):
        ancestors = self.object.ancestors()
        depends_on(self.request, *(page_key(page.pk) for page in [*ancestors, self.object]))
        clinic = clinic_settings(self.request)
        trail = [(page.title, clinic.page_address(page)) for page in ancestors]
        return super().get_context_data(
            ancestors=trail,
            meta=metadata.page_meta(self.request, self.object, trail, is_home=self.is_home),
            preview=self.preview,
            preview_unsaved=self.unsaved,
            **kwargs,
        )


class HomePageView(PageDetailView):
    """The page Clinic settings chose as the home page, at the site's own address."""

    is_home = True


class PagePreviewView(PageDetailView):
    """A draft or scheduled page exactly as readers will see it, for the team who may edit pages."""

    preview = True

    def get_queryset(self):
        return Page.objects.all()

    def get_object(self, queryset=None):
        page = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if page is None:
            raise Http404("No page to preview here.")
        if not page.can_be_previewed_by(self.request.user):
            if self.request.user.is_active and self.request.user.is_staff:
                raise PermissionDenied("A preview of a page is for the people who may edit pages.")
            raise Http404("No page to preview here.")
        if page.published_at is None:
            page.published_at = timezone.now()
        return page

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        patch_cache_control(response, private=True, no_store=True)
        return response
