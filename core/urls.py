from django.urls import path

from . import editor

app_name = "core"

urlpatterns = [
    path("editor/image-upload/", editor.editor_image_upload, name="editor-image-upload"),
]
