from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps.views import sitemap
from django.templatetags.static import static
from django.urls import include, path, re_path, reverse_lazy
from django.utils.functional import lazy
from django.views.generic import RedirectView

from clinic.accounts import my_account
from clinic.models import clinic_settings
from clinic.sitemaps import SITEMAPS
from clinic.views import home, robots_txt, serve_media, view_on_site
from core.pagecache import cache_public_page as cached
from core.sitemaps import index as sitemap_index

# Read from Clinic settings whenever an admin page is drawn, so renaming the clinic needs no restart.
admin.site.site_header = lazy(lambda: f"{clinic_settings().name} — editing", str)()
admin.site.site_title = lazy(lambda: clinic_settings().name, str)()
admin.site.index_title = "Content"

# django_ckeditor_5's own URLs are deliberately not included: its upload view checks only `is_staff` and
# keeps the client's file name. The editor posts to core:editor-image-upload instead (see settings).
urlpatterns = [
    path("admin/my-account/", admin.site.admin_view(my_account), name="my-account"),
    # The link a new staff member is emailed to choose their password (clinic.accounts.staff_password_link_send).
    path(
        "admin/choose-password/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(success_url=reverse_lazy("password-set-done")),
        name="password-set",
    ),
    path("admin/choose-password/done/", auth_views.PasswordResetCompleteView.as_view(), name="password-set-done"),
    # Ahead of the admin's own "View on site", which would answer for objects one may not view.
    path("admin/r/<int:content_type_id>/<path:object_id>/", view_on_site),
    # The login with its second step (it answers admin:login's address), enrolment and each person's security page.
    path("admin/", include("twofactor.urls")),
    path("admin/", admin.site.urls),
    # Browsers ask for /favicon.ico on pages that name no icon (the admin, feeds, images).
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("img/favicon.svg"), permanent=True)),
    path("robots.txt", cached(robots_txt), name="robots-txt"),
    # The index of every section's pages (5,000 addresses each, `?p=2`...), and the pages.
    path(
        "sitemap.xml",
        cached(sitemap_index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<slug:section>.xml",
        cached(sitemap),
        {"sitemaps": SITEMAPS, "template_name": "sitemap_section.xml"},
        name="sitemap-section",
    ),
    path("", include("core.urls")),
    path("editor/library/", include("library.urls")),
]

if settings.SERVE_MEDIA:
    urlpatterns.append(re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", serve_media))

urlpatterns.append(path("", cached(home), name="home"))
urlpatterns.append(path("", include("blog.urls")))
urlpatterns.append(path("", include("newsletter.urls")))
# Last: a page's address is one nothing above answers (pages.models.taken_by_the_site keeps it so).
urlpatterns.append(path("", include("pages.urls")))
# Old WordPress addresses are answered by wordpress.middleware, after everything here had its chance.

handler403 = "clinic.views.permission_denied"
