from django.urls import path

from . import views

app_name = "library"

urlpatterns = [
    path("images/", views.library_picker, name="picker"),
]
