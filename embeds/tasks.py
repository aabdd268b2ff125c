"""The worker's part: asking a video platform about a video (never in a reader's or an editor's request)."""

from django_tasks import task

from core.video import parse_video_url

from .services import video_details_fetch, video_fetch_done


@task()
def video_fetch(url):
    """Fetch the title and thumbnail of the video at `url` (its canonical address) and store them here."""
    video = parse_video_url(url)
    if video is None:
        return "not a video of an allowed platform"
    try:
        row = video_details_fetch(video=video)
    finally:
        video_fetch_done(video)
    return row.error or f"fetched: {row.title}"
