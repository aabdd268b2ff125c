from django.urls import path

from . import views

app_name = "blog"

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="article-list"),
    path("blog/<slug:slug>/", views.ArticleDetailView.as_view(), name="article-detail"),
    path("category/<slug:slug>/", views.CategoryArticleListView.as_view(), name="category-detail"),
    path("tag/<slug:slug>/", views.TagArticleListView.as_view(), name="tag-detail"),
    path("editor/image-upload/", views.editor_image_upload, name="editor-image-upload"),
    # WordPress-style address of the old site; a catch-all, so it stays last here and this module is
    # included last in clinic/urls.py.
    path("<slug:slug>/", views.legacy_article_redirect, name="legacy-article"),
]
