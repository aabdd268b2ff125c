from django.urls import path

from core.pagecache import cache_public_page as cached

from . import views

app_name = "pages"

# Included last by clinic/urls.py: a page's address is whatever no other part of the site answers.
urlpatterns = [
    path("preview/page/<int:pk>/", views.PagePreviewView.as_view(), name="page-preview"),
    path("<path:path>/", cached(views.PageDetailView.as_view()), name="page-detail"),
]
