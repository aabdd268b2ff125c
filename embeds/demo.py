"""The demo's video: an article embeds it, and its title and thumbnail are here already (the demo is offline, and
a worker would otherwise ask YouTube for them). The thumbnail is a drawing shipped with the code."""

from pathlib import Path

from django.core.files.base import ContentFile
from django.utils import timezone

from core.images import original_size, renditions
from core.video import parse_video_url

from .models import VideoEmbed

ASSETS = Path(__file__).resolve().parent / "demo_assets"
# A made-up video id: the demo never plays it.
PRP_VIDEO_URL = "https://www.youtube.com/watch?v=Dem0PrPv1de"
VIDEOS = [
    {
        "url": PRP_VIDEO_URL,
        "title": "A PRP treatment, step by step: one patient's visit",
        "thumbnail": "prp-patient-video.jpg",
    },
]


def videos_seed():
    """Store the demo's videos with their title and thumbnail, once; return how many were made."""
    made = 0
    for data in VIDEOS:
        video = parse_video_url(data["url"])
        if video is None or VideoEmbed.objects.filter(provider=video.provider.name, video_id=video.video_id).exists():
            continue
        row = VideoEmbed(
            provider=video.provider.name, video_id=video.video_id, title=data["title"], fetched_at=timezone.now()
        )
        row.thumbnail.save(data["thumbnail"], ContentFile((ASSETS / data["thumbnail"]).read_bytes()), save=False)
        row.thumbnail_width, row.thumbnail_height = original_size(row.thumbnail.name)
        row.save()
        renditions(row.thumbnail.name)
        made += 1
    return made
