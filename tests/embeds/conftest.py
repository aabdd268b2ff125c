import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from PIL import Image


@pytest.fixture(autouse=True)
def _no_fetch_queued_before():
    """A video's fetch is queued once in ten minutes (a flag in the cache): an earlier test's flag must not count."""
    cache.clear()


def jpeg_with_gps():
    """A 480×360 JPEG carrying EXIF with a GPS block, as a camera's would."""
    image = Image.new("RGB", (480, 360), (200, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 24.0)}
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


class Platform:
    """A video platform's oEmbed endpoint and thumbnails, on loopback: a real HTTP server, answering what a test
    sets, and recording what it was asked."""

    def __init__(self):
        self.asked = []
        self.title = "Knee exercises after PRP"
        self.oembed_status = 200
        self.oembed_body = None  # raw bytes instead of the JSON
        self.thumbnail = jpeg_with_gps()
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                platform.asked.append(self.path)
                path = urlsplit(self.path).path
                if path == "/oembed":
                    query = parse_qs(urlsplit(self.path).query)
                    body = platform.oembed_body or json.dumps({
                        "type": "video", "title": platform.title, "url": query["url"][0],
                        "thumbnail_url": f"{platform.url}/thumbnail.jpg",
                    }).encode()  # fmt: skip
                    self.answer(platform.oembed_status, "application/json", body)
                elif path == "/thumbnail.jpg":
                    self.answer(200, "image/jpeg", platform.thumbnail)
                else:
                    self.answer(404, "text/plain", b"not found")

            def answer(self, status, kind, body):
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def platform(settings):
    """YouTube's and Vimeo's oEmbed endpoints, both served on loopback."""
    found = Platform()
    settings.VIDEO_OEMBED_ENDPOINTS = {"youtube": f"{found.url}/oembed", "vimeo": f"{found.url}/oembed"}
    yield found
    found.server.shutdown()
    found.server.server_close()
