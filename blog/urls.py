from django.urls import path, register_converter

from core.pagecache import cache_public_page as cached

from . import feeds, views


class FourDigitYear:
    regex = "[0-9]{4}"
    to_python = int

    def to_url(self, value):
        return f"{int(value):04d}"


class TwoDigitMonth:
    regex = "0[1-9]|1[0-2]"
    to_python = int

    def to_url(self, value):
        return f"{int(value):02d}"


register_converter(FourDigitYear, "yyyy")
register_converter(TwoDigitMonth, "mm")

app_name = "blog"

urlpatterns = [
    # Pages anonymous readers get from the page cache (core/pagecache.py).
    # The latest articles: at the home page (clinic's `home`), or here while Clinic settings name a home page.
    path("blog/", cached(views.ArticleListView.as_view()), name="article-list"),
    path("blog/<slug:slug>/", cached(views.ArticleDetailView.as_view()), name="article-detail"),
    path("blog/<slug:slug>/comment/", views.CommentCreateView.as_view(), name="comment-create"),
    path("category/<slug:slug>/", cached(views.CategoryArticleListView.as_view()), name="category-detail"),
    path("category/<slug:slug>/feed/", cached(feeds.LatestArticlesFeed()), name="category-feed-rss"),
    path("category/<slug:slug>/feed/atom/", cached(feeds.LatestArticlesAtomFeed()), name="category-feed-atom"),
    path("tag/<slug:slug>/", cached(views.TagArticleListView.as_view()), name="tag-detail"),
    path("author/<slug:slug>/", cached(views.AuthorArticleListView.as_view()), name="author-detail"),
    path("search/", cached(views.SearchView.as_view()), name="search"),
    path("feed/", cached(feeds.LatestArticlesFeed()), name="feed-rss"),
    path("feed/atom/", cached(feeds.LatestArticlesAtomFeed()), name="feed-atom"),
    path("<yyyy:year>/", cached(views.YearArchiveView.as_view()), name="archive-year"),
    path("<yyyy:year>/<mm:month>/", cached(views.MonthArchiveView.as_view()), name="archive-month"),
    # Never cached.
    path("preview/<int:pk>/", views.ArticlePreviewView.as_view(), name="article-preview"),
    path("comments/follow/confirm/<str:token>/", views.FollowConfirmView.as_view(), name="comment-follow-confirm"),
    path("comments/follow/stop/<str:token>/", views.FollowStopView.as_view(), name="comment-follow-stop"),
]
