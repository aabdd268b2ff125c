"""The editor's image upload endpoint, for every app whose rich text takes images (CKEditor 5's upload adapter)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import JsonResponse
from django.utils.module_loading import import_string
from django.views.decorators.http import require_POST

from .images import generated_image_name, validate_raster_image, without_metadata
from .renditions import renditions_queue


def _upload_error(message, status):
    # CKEditor's upload adapter shows `error.message` to the editor.
    return JsonResponse({"error": {"message": message}}, status=status)


@require_POST
def editor_image_upload(request):
    """Store an image inserted in the editor and return its URL in CKEditor's format.

    Active staff members holding any of the EDITOR_UPLOAD_PERMISSIONS may upload. Each of EDITOR_UPLOAD_HOOKS is
    then told of the stored image (the media library records it there).
    """
    user = request.user
    if not (user.is_active and user.is_staff):
        return _upload_error("Log in to the admin to upload images.", 403)
    if not any(user.has_perm(permission) for permission in settings.EDITOR_UPLOAD_PERMISSIONS):
        return _upload_error("You do not have permission to upload images.", 403)
    upload = request.FILES.get("upload")
    if upload is None:
        return _upload_error("No file was received. Choose an image to upload.", 400)
    try:
        name = editor_image_store(upload)
    except ValidationError as error:
        return _upload_error(error.messages[0], 400)
    for hook in getattr(settings, "EDITOR_UPLOAD_HOOKS", ()):
        import_string(hook)(name=name, user=user, upload_name=upload.name)
    return JsonResponse({"url": default_storage.url(name)})


def editor_image_store(file):
    """Store `file` as an image of the editors' bodies, checked and without its metadata (as every upload), and
    queue its renditions; return its name in storage. Raises ValidationError for what is no acceptable image."""
    image_format = validate_raster_image(file)
    name = default_storage.save(generated_image_name("editor", image_format), without_metadata(file, image_format))
    renditions_queue(name)
    return name
