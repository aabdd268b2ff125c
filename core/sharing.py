"""Share links: plain links to each network's documented share address, built from the canonical URL.

No script or image from any network is loaded; nothing reaches a network until the reader clicks.
"""

from dataclasses import dataclass
from urllib.parse import quote, urlencode


@dataclass(frozen=True)
class ShareLink:
    network: str
    label: str
    url: str
    icon: str  # SVG path data, 24×24 viewBox

    @property
    def accessible_name(self):
        return "Share by email" if self.network == "email" else f"Share on {self.label}"

    @property
    def opens_new_tab(self):
        return not self.url.startswith("mailto:")


def _query(**params):
    return urlencode({key: value for key, value in params.items() if value}, quote_via=quote)


ICONS = {
    "facebook": "M13.5 22v-8h2.7l.4-3.2h-3.1V8.8c0-.9.3-1.5 1.6-1.5h1.7V4.4c-.3 0-1.3-.1-2.5-.1-2.4 0-4.1 1.5-4.1 "
    "4.2v2.3H7.5V14h2.7v8h3.3z",
    "x": "M17.8 3h3.1l-6.8 7.8L22 21h-6.2l-4.9-6.4L5.3 21H2.2l7.3-8.3L2 3h6.4l4.4 5.8L17.8 3zm-1.1 16.2h1.7L7.4 "
    "4.7H5.5l11.2 14.5z",
    "linkedin": "M4.98 3.5a2.5 2.5 0 1 1 0 5 2.5 2.5 0 0 1 0-5zM3 9.5h4V21H3V9.5zm6.5 0h3.8v1.6h.1c.5-1 1.8-2 "
    "3.8-2 4 0 4.8 2.6 4.8 6V21h-4v-5.2c0-1.2 0-2.8-1.8-2.8s-2 1.3-2 2.7V21h-4V9.5z",
    "reddit": "M22 12.1a2.2 2.2 0 0 0-3.7-1.5 10.7 10.7 0 0 0-5.7-1.8l1-4.5 3.1.7a1.6 1.6 0 1 0 .2-1l-3.6-.8a.5.5 "
    "0 0 0-.6.4l-1.1 5.2a10.8 10.8 0 0 0-5.8 1.8A2.2 2.2 0 1 0 3.4 14a4.3 4.3 0 0 0 0 .7c0 3.4 3.9 6.1 8.7 6.1s8.7"
    "-2.7 8.7-6.1a4.3 4.3 0 0 0 0-.7 2.2 2.2 0 0 0 1.2-1.9zM7.6 13.6a1.5 1.5 0 1 1 3 0 1.5 1.5 0 0 1-3 0zm8.5 4.1a5.6"
    " 5.6 0 0 1-4.1 1.2 5.6 5.6 0 0 1-4.1-1.2.4.4 0 0 1 .6-.6 4.8 4.8 0 0 0 3.5 1 4.8 4.8 0 0 0 3.5-1 .4.4 0 0 1 "
    ".6.6zm-.3-2.6a1.5 1.5 0 1 1 0-3 1.5 1.5 0 0 1 0 3z",
    "whatsapp": "M12 2a10 10 0 0 0-8.6 15.1L2 22l5-1.3A10 10 0 1 0 12 2zm0 18.2a8.2 8.2 0 0 1-4.2-1.2l-.3-.2-3 "
    ".8.8-2.9-.2-.3A8.2 8.2 0 1 1 12 20.2zm4.5-6.1c-.2-.1-1.5-.7-1.7-.8s-.4-.1-.6.1l-.8 1c-.1.2-.3.2-.5.1a6.7 6.7 0 "
    "0 1-3.3-2.9c-.3-.4.3-.4.8-1.4a.5.5 0 0 0 0-.5l-.8-1.8c-.2-.5-.4-.4-.6-.4h-.5a1 1 0 0 0-.7.3 3 3 0 0 0-.9 2.2 "
    "5.2 5.2 0 0 0 1.1 2.8 11.9 11.9 0 0 0 4.6 4c1.7.7 2.3.8 3.2.7a2.7 2.7 0 0 0 1.8-1.3 2.2 2.2 0 0 0 .2-1.3c-.1-"
    ".1-.2-.2-.4-.3z",
    "telegram": "M21.9 4.3 18.8 19c-.2 1-.8 1.3-1.7.8l-4.6-3.4-2.2 2.1c-.3.3-.5.5-1 .5l.3-4.7 8.6-7.8c.4-.3-.1-.5"
    "-.6-.2L6.9 13l-4.6-1.4c-1-.3-1-1 .2-1.5L20.5 3c.8-.3 1.6.2 1.4 1.3z",
    "pinterest": "M12 2a10 10 0 0 0-3.6 19.3c-.1-.8-.2-2 0-2.9l1.2-5s-.3-.6-.3-1.5c0-1.4.8-2.5 1.8-2.5.9 0 1.3.7 "
    "1.3 1.4 0 .9-.6 2.2-.9 3.4-.2 1 .5 1.9 1.6 1.9 1.9 0 3.3-2 3.3-4.8 0-2.5-1.8-4.3-4.4-4.3a4.6 4.6 0 0 0-4.8 4.6 "
    "4.1 4.1 0 0 0 .8 2.4.3.3 0 0 1 .1.3l-.3 1.2c0 .2-.2.3-.4.2-1.4-.7-2.3-2.7-2.3-4.4 0-3.6 2.6-6.9 7.5-6.9 3.9 0 "
    "7 2.8 7 6.6 0 3.9-2.5 7.1-5.9 7.1-1.2 0-2.3-.6-2.6-1.3l-.7 2.7c-.3 1-1 2.2-1.4 2.9A10 10 0 1 0 12 2z",
    "tumblr": "M14.6 21c-2.7 0-4.7-1.4-4.7-4.7v-5.3H7.4V8.1c2.7-.7 3.8-3 4-5.1h2.8v4.6h3.3V11h-3.3v4.7c0 1.4.7 1.9 "
    "1.8 1.9h1.6V21h-3z",
    "vk": "M12.8 18c-6 0-9.5-4.1-9.6-11h3c.1 5 2.3 7.2 4.1 7.6V7h2.8v4.3c1.7-.2 3.6-2.1 4.2-4.3h2.8a8.3 8.3 0 0 1-3.8 "
    "5.4 8.6 8.6 0 0 1 4.4 5.6h-3.1a5.4 5.4 0 0 0-4.5-3.9V18h-.3z",
    "email": "M3 5h18a1 1 0 0 1 1 1v12a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1zm1 2.4V17h16V7.4l-8 5.3-8-5.3zM5.6"
    " 7l6.4 4.2L18.4 7H5.6z",
}


def share_links(*, url, title, image_url=""):
    """The share links for a page at absolute `url` titled `title`; Pinterest and VK also get the image."""
    entries = [
        ("facebook", "Facebook", "https://www.facebook.com/sharer/sharer.php?" + _query(u=url)),
        ("x", "X", "https://x.com/intent/post?" + _query(text=title, url=url)),
        ("linkedin", "LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?" + _query(url=url)),
        ("reddit", "Reddit", "https://www.reddit.com/submit?" + _query(url=url, title=title)),
        ("whatsapp", "WhatsApp", "https://wa.me/?" + _query(text=f"{title} {url}")),
        ("telegram", "Telegram", "https://t.me/share/url?" + _query(url=url, text=title)),
        (
            "pinterest",
            "Pinterest",
            "https://www.pinterest.com/pin/create/button/?" + _query(url=url, media=image_url, description=title),
        ),
        (
            "tumblr",
            "Tumblr",
            "https://www.tumblr.com/widgets/share/tool?" + _query(posttype="link", canonicalUrl=url, title=title),
        ),
        ("vk", "VK", "https://vk.com/share.php?" + _query(url=url, title=title, image=image_url)),
        ("email", "Email", "mailto:?" + _query(subject=title, body=f"{title}\n\n{url}")),
    ]
    return [ShareLink(network, label, share_url, ICONS[network]) for network, label, share_url in entries]
