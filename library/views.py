"""The library picker's search: the images the editor may see, newest first, as JSON for the admin's dialog."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .models import MediaItem

PICKER_PAGE_SIZE = 24


def may_pick(user):
    """Active staff who may upload images in the editor and see the library."""
    return (
        user.is_active
        and user.is_staff
        and user.has_perm("library.view_mediaitem")
        and any(user.has_perm(permission) for permission in settings.EDITOR_UPLOAD_PERMISSIONS)
    )


def item_json(item):
    return {
        "id": item.pk,
        "title": str(item),
        "alt": item.alt_text,
        "caption": item.caption,
        "credit": item.credit,
        "url": item.url,
        "width": item.width,
        "height": item.height,
        "uploaded_at": timezone.localtime(item.uploaded_at).date().isoformat(),
    }


@require_GET
@never_cache
def library_picker(request):
    """`?q=` words to search titles, alt texts, captions and credits; `?page=` for more."""
    if not may_pick(request.user):
        return JsonResponse({"error": "You do not have permission to use the media library."}, status=403)
    items = MediaItem.objects.visible_to(request.user).search(request.GET.get("q", "")[:200])
    page = Paginator(items, PICKER_PAGE_SIZE).get_page(request.GET.get("page"))
    return JsonResponse(
        {
            "results": [item_json(item) for item in page],
            "page": page.number,
            "has_more": page.has_next(),
            "count": page.paginator.count,
        }
    )
