from django.conf import settings
from django.utils.cache import patch_cache_control
from django.views.static import serve


def serve_media(request, path):
    """Uploaded media for a single server (DJANGO_SERVE_MEDIA). Names are random and never reused, so browsers
    may keep each file for a year; django.views.static.serve refuses paths outside MEDIA_ROOT."""
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    if response.status_code == 200:
        patch_cache_control(response, public=True, max_age=31536000, immutable=True)
    return response
