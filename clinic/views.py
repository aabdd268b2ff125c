from django.conf import settings
from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.static import serve

from blog.views import ArticleListView
from clinic.roles import EDITOR
from core.links import absolute_url
from pages.views import HomePageView

from .accounts import editors_to_ask, role_of
from .models import clinic_settings


@staff_member_required
def view_on_site(request, content_type_id, object_id):
    """The admin's "View on site" (admin/r/<type>/<id>/) for people who may view that object in the admin.

    Django's own shortcut sends any staff member to any object's address, which names another author's draft.
    """
    content_type = get_object_or_404(ContentType, pk=content_type_id)
    model = content_type.model_class()
    try:
        model_admin = admin.site.get_model_admin(model)
    except NotRegistered:
        raise Http404("Nothing to view here.") from None
    obj = model_admin.get_object(request, object_id)
    if obj is None or not model_admin.has_view_permission(request, obj):
        raise Http404("Nothing to view here.")
    return shortcut(request, content_type_id, object_id)


def serve_media(request, path):
    """Uploaded media for a single server (DJANGO_SERVE_MEDIA). Names are random and never reused, so browsers
    may keep each file for a year; django.views.static.serve refuses paths outside MEDIA_ROOT."""
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    if response.status_code == 200:
        patch_cache_control(response, public=True, max_age=31536000, immutable=True)
    return response


def permission_denied(request, exception):
    """The 403 page. A logged-in staff member is told their role does not include the page, and whom to ask."""
    context = {}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_staff:
        role = role_of(user)
        context = {
            "staff_name": user.get_full_name() or user.get_username(),
            "role": role,
            "reason": str(exception) if exception is not None else "",
            "is_editor": role is not None and role.name == EDITOR,
            "editors": editors_to_ask(user),
        }
    return HttpResponseForbidden(render_to_string("403.html", context, request))


def robots_txt(request):
    """Where crawlers may go (not the admin, previews or search results) and where the sitemap is."""
    sitemap = absolute_url(reverse("sitemap"), request)
    previews = reverse("blog:article-preview", kwargs={"pk": 0}).removesuffix("0/")
    private = [reverse("admin:index"), previews, reverse("blog:search")]
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in private), f"Sitemap: {sitemap}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def home(request):
    """The site's address: the page Clinic settings chose as the home page while it is published, else the latest
    articles (WordPress's "Your homepage displays")."""
    page = clinic_settings(request).home_page_shown
    if page is None:
        return ArticleListView.as_view()(request)
    return HomePageView.as_view()(request, path=page.path)
