from django.urls import path

from . import views

app_name = "newsletter"

# Never cached: each answers one person.
urlpatterns = [
    path("newsletter/subscribe/", views.SubscribeView.as_view(), name="subscribe"),
    path("newsletter/check-your-inbox/", views.check_inbox, name="check-inbox"),
    path("newsletter/confirm/<str:token>/", views.confirm, name="confirm"),
    path("newsletter/manage/<str:token>/", views.ManageView.as_view(), name="manage"),
    path("newsletter/unsubscribe/<str:token>/", views.UnsubscribeView.as_view(), name="unsubscribe"),
]
