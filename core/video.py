"""Video addresses of the platforms an editor may embed (YouTube, Vimeo), read once for everyone who needs them.

The editor's media embed, the sanitizer, the WordPress importer and the page that shows a video all ask this
module, so they accept exactly the same addresses: the editor (CKEditor's `mediaEmbed.providers`, from
`editor_providers()`) refuses any other with "This media URL is not supported", and the sanitizer drops what the
editor would have refused. An accepted address is stored in one canonical form (`Video.url`), the video's page
on its platform, which is also where a reader without JavaScript goes; the player that loads on a click is the
platform's privacy-enhanced one (`Video.player_url`): youtube-nocookie.com, Vimeo with `dnt=1`.

The allowlist is the VIDEO_EMBED_PROVIDERS setting. Nothing here opens a connection.
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

from django.conf import settings


@dataclass(frozen=True)
class Provider:
    name: str  # the setting's name for it: "youtube"
    label: str  # what readers read: "YouTube"
    # Addresses without their scheme and a leading "www.", as CKEditor matches them; group 1 is the video's id.
    patterns: tuple
    frame_origin: str  # the privacy-enhanced player's origin, allowed in the page's frame-src


YOUTUBE = Provider(
    name="youtube",
    label="YouTube",
    patterns=(
        r"^(?:m\.)?youtube\.com/watch\?(?:[^#]*&)?v=([\w-]{11})(?=$|[&#])",
        r"^youtu\.be/([\w-]{11})(?=$|[?#/])",
        r"^youtube\.com/embed/([\w-]{11})(?=$|[?#/])",
        r"^(?:m\.)?youtube\.com/shorts/([\w-]{11})(?=$|[?#/])",
        r"^youtube-nocookie\.com/embed/([\w-]{11})(?=$|[?#/])",
    ),
    frame_origin="https://www.youtube-nocookie.com",
)
VIMEO = Provider(
    name="vimeo",
    label="Vimeo",
    patterns=(
        # An unlisted video's address carries its key after the id: vimeo.com/76979871/8272103f6e.
        r"^vimeo\.com/(\d{1,12})(?:/([0-9a-f]{6,20}))?(?=$|[?#/])",
        r"^player\.vimeo\.com/video/(\d{1,12})(?=$|[?#/])",
    ),
    frame_origin="https://player.vimeo.com",
)
PROVIDERS = {provider.name: provider for provider in (YOUTUBE, VIMEO)}
_COMPILED = {name: [re.compile(pattern, re.ASCII) for pattern in p.patterns] for name, p in PROVIDERS.items()}
_TIME = re.compile(r"^(?:(\d{1,2})h)?(?:(\d{1,4})m)?(?:(\d{1,6})s?)?$")


@dataclass(frozen=True)
class Video:
    provider: Provider
    video_id: str
    start: int = 0  # seconds into the video where it starts
    key: str = ""  # an unlisted Vimeo video's key (its `h` parameter)

    @property
    def url(self):
        """The video's page on its platform: the canonical form stored in bodies, and the link without JavaScript."""
        if self.provider is YOUTUBE:
            return f"https://www.youtube.com/watch?v={self.video_id}" + (f"&t={self.start}s" if self.start else "")
        address = f"https://vimeo.com/{self.video_id}" + (f"/{self.key}" if self.key else "")
        return address + (f"#t={self.start}s" if self.start else "")

    @property
    def player_url(self):
        """The privacy-enhanced player, playing at once: it loads only when the reader asks for the video."""
        if self.provider is YOUTUBE:
            query = {"autoplay": 1, "rel": 0, **({"start": self.start} if self.start else {})}
            return f"{YOUTUBE.frame_origin}/embed/{self.video_id}?{urlencode(query)}"
        query = {**({"h": self.key} if self.key else {}), "dnt": 1, "autoplay": 1}
        return f"{VIMEO.frame_origin}/video/{self.video_id}?{urlencode(query)}" + (
            f"#t={self.start}s" if self.start else ""
        )


def allowed_providers():
    """The providers editors may embed (VIDEO_EMBED_PROVIDERS), in the setting's order."""
    return [PROVIDERS[name] for name in settings.VIDEO_EMBED_PROVIDERS if name in PROVIDERS]


def _start_seconds(value):
    found = _TIME.match(value.strip().lower()) if value else None
    if not found or not any(found.groups()):
        return 0
    hours, minutes, seconds = (int(part or 0) for part in found.groups())
    return hours * 3600 + minutes * 60 + seconds


def parse_video_url(address, *, providers=None):
    """The `Video` an address shows when it is one of the accepted forms of an allowed provider, else None."""
    if not isinstance(address, str) or len(address) > 2000:
        return None
    address = address.strip()
    bare = re.sub(r"^https?://", "", address, flags=re.IGNORECASE)
    if "://" in bare or bare.startswith("//"):
        return None
    bare = re.sub(r"^www\.", "", bare, flags=re.IGNORECASE)
    host, _, rest = bare.partition("/")
    bare = f"{host.lower()}/{rest}" if rest or bare.endswith("/") else host.lower()
    try:
        parts = urlsplit("https://" + bare)
    except ValueError:
        return None
    query = parse_qs(parts.query)
    fragment = parse_qs(parts.fragment)
    for provider in allowed_providers() if providers is None else providers:
        for pattern in _COMPILED[provider.name]:
            found = pattern.match(bare)
            if not found:
                continue
            if provider is YOUTUBE:
                start = (query.get("t") or query.get("start") or [""])[0]
                return Video(YOUTUBE, found.group(1), _start_seconds(start))
            key = (found.group(2) if found.re.groups > 1 else None) or (query.get("h") or [""])[0]
            key = key if re.fullmatch(r"[0-9a-f]{6,20}", key or "") else ""
            return Video(VIMEO, found.group(1), _start_seconds((fragment.get("t") or [""])[0]), key)
    return None


def editor_providers(names):
    """CKEditor 5's `mediaEmbed.providers` for the providers named: only these, with our patterns as the one
    "/regex/" string django-ckeditor-5 turns into a regular expression (it would turn a list of them into one
    wrong expression, so they are alternatives of one). No `html`: the editor shows the address, never the
    platform's player (the admin loads nothing from another host either)."""
    return [
        {"name": name, "url": "/" + "|".join(f"(?:{pattern})" for pattern in PROVIDERS[name].patterns) + "/"}
        for name in names
        if name in PROVIDERS
    ]
