from django.urls import path, register_converter

from core.pagecache import cache_public_page as cached

from . import views


class PagePath:
    """Slugs joined by slashes (`treatments/prolotherapy`): what a page's address can be, and nothing else, so that
    `/price-list.pdf` is not taken for a page that lacks its slash."""

    regex = r"[-a-zA-Z0-9_]+(?:/[-a-zA-Z0-9_]+)*"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(PagePath, "pagepath")

app_name = "pages"

# Included last by clinic/urls.py: a page's address is whatever no other part of the site answers.
urlpatterns = [
    path("preview/page/<int:pk>/", views.PagePreviewView.as_view(), name="page-preview"),
    path("<pagepath:path>/", cached(views.PageDetailView.as_view()), name="page-detail"),
]
