"""WordPress post content turned into what this site's editor writes, before the sanitizer has its say.

`convert(content, media=...)` does what WordPress does when it shows a post, and then what our editor expects:
- Gutenberg's block comments (`<!-- wp:paragraph -->`) go, the blocks' HTML stays; a post without blocks (the
  classic editor's) gets its paragraphs from its blank lines, by WordPress's own rules (`autop`, a port of
  `wpautop` from wp-includes/formatting.php);
- `[caption]` becomes a figure with its caption, `[gallery]` the images in a gallery figure; `[embed]`,
  `[youtube]`, `[vimeo]`, `[video]`, an embed block and a video address alone on its line become the editor's
  media embed when the address is a video of an allowed platform (core/video.py: readers get the click-to-play
  placeholder), else a link to it; Avada/Fusion Builder's `[fusion_*]` shortcodes are unwrapped to their content;
  any other shortcode stays as text and is reported;
- images and links to the old site's uploads point at the files imported here (`media`), with the attachment's
  alt text where the image had none; an `h1` becomes `h2`, `h5`/`h6` become `h4`, and skipped levels are
  reported (the medical pre-publish check needs ordered headings).
"""

import html
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from core.images import stored_name_from_url
from core.video import parse_video_url

# wpautop's block-level elements.
_BLOCKS = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|area|blockquote"
    r"|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|header|footer|nav|figure"
    r"|figcaption|details|menu|summary)"
)
_BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:[\s\S]*?-->\n?")
_GALLERY_BLOCK = re.compile(r"<!-- wp:gallery\b[\s\S]*?-->([\s\S]*?)<!-- /wp:gallery -->")
_GALLERY_IMAGE = re.compile(
    r"<figure\b[^>]*>\s*(?:<a\b[^>]*>)?\s*(<img\b[^>]*>)\s*(?:</a>)?\s*(?:<figcaption\b[^>]*>([\s\S]*?)</figcaption>)?"
)
_EMBED_BLOCK = re.compile(r"<!-- wp:(embed|core-embed/[\w-]+)\b[\s\S]*?-->([\s\S]*?)<!-- /wp:\1 -->")
_TAG = re.compile(r"<[^>]*>")
_VIDEO_HOSTS = ("youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be", "vimeo.com", "www.vimeo.com")
_SIZED = re.compile(r"-\d+x\d+(?=\.[A-Za-z0-9]+$)")
UPLOADS = "/wp-content/uploads/"


@dataclass
class Converted:
    html: str
    shortcodes: set = field(default_factory=set)  # names of the shortcodes left as text
    missing_media: set = field(default_factory=set)  # upload addresses with no file here
    foreign_media: set = field(default_factory=set)  # images on other sites, left out
    heading_problems: list = field(default_factory=list)


def has_blocks(content):
    return "<!-- wp:" in content


def autop(text):
    """WordPress's `wpautop($text, true)`: paragraphs from blank lines, line breaks from the single newlines."""
    if not text.strip():
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n") + "\n"
    kept = {}

    def keep(match):
        name = f"<pre wp-pre-tag-{len(kept)}></pre>"
        kept[name] = match.group(0)
        return name

    text = re.sub(r"<pre[\s>][\s\S]*?</pre>", keep, text)
    # Newlines inside a tag (a long <img> written on two lines) are not paragraph breaks.
    text = _TAG.sub(lambda match: match.group(0).replace("\n", " <!-- wpnl --> "), text)
    text = re.sub(r"<br\s*/?>\s*<br\s*/?>", "\n\n", text)
    text = re.sub(r"(<" + _BLOCKS + r"[\s/>])", r"\n\n\1", text)
    text = re.sub(r"(</" + _BLOCKS + r">)", r"\1\n\n", text)
    text = re.sub(r"(<hr\s*?/?>)", r"\1\n\n", text)
    if "<option" in text:
        text = re.sub(r"\s*<option", "<option", text)
        text = re.sub(r"</option>\s*", "</option>", text)
    if "<figcaption" in text:
        text = re.sub(r"\s*(<figcaption[^>]*>)", r"\1", text)
        text = re.sub(r"</figcaption>\s*", "</figcaption>", text)
    text = re.sub(r"\n\n+", "\n\n", text)
    paragraphs = [part for part in re.split(r"\n\s*\n", text) if part]
    text = "".join(f"<p>{part.strip(chr(10))}</p>\n" for part in paragraphs)
    text = re.sub(r"<p>\s*</p>", "", text)
    text = re.sub(r"<p>([^<]+)</(div|address|form)>", r"<p>\1</p></\2>", text)
    text = re.sub(r"<p>\s*(</?" + _BLOCKS + r"[^>]*>)\s*</p>", r"\1", text)
    text = re.sub(r"<p>(<li.+?)</p>", r"\1", text)
    text = re.sub(r"<p><blockquote([^>]*)>", r"<blockquote\1><p>", text, flags=re.IGNORECASE)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = re.sub(r"<p>\s*(</?" + _BLOCKS + r"[^>]*>)", r"\1", text)
    text = re.sub(r"(</?" + _BLOCKS + r"[^>]*>)\s*</p>", r"\1", text)
    text = text.replace("<br>", "<br />").replace("<br/>", "<br />")
    text = re.sub(r"(?<!<br />)\s*\n", "<br />\n", text)
    text = re.sub(r"(</?" + _BLOCKS + r"[^>]*>)\s*<br />", r"\1", text)
    text = re.sub(r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)", r"\1", text)
    text = re.sub(r"\n</p>$", "</p>", text)
    for name, original in kept.items():
        text = text.replace(name, original)
    return text.replace(" <!-- wpnl --> ", "\n").replace("<!-- wpnl -->", "\n")


# A shortcode as WordPress's get_shortcode_regex() finds it: [name attrs], [name attrs /], [name]...[/name];
# [[name]] is an escaped one, written out as [name].
def _shortcode_pattern(name):
    return re.compile(
        r"\[(\[?)("
        + name
        + r")(?![\w-])([^\]/]*(?:/(?!\])[^\]/]*)*?)(?:(/)\]|\](?:([^\[]*(?:\[(?!/\2\])[^\[]*)*)\[/\2\])?)(\]?)"
    )


_ANY_SHORTCODE = _shortcode_pattern(r"[a-zA-Z][\w-]*")
_ATTRIBUTE = re.compile(
    r"""([\w-]+)\s*=\s*"([^"]*)"|([\w-]+)\s*=\s*'([^']*)'|([\w-]+)\s*=\s*([^\s'"]+)|"([^"]*)"|(\S+)"""
)


def shortcode_attributes(text):
    """WordPress's shortcode_parse_atts(): {name: value} (lowercase names), and positional values under 0, 1..."""
    attributes, position = {}, 0
    for match in _ATTRIBUTE.finditer(html.unescape(text.replace("\u00a0", " "))):
        if match.group(1):
            attributes[match.group(1).lower()] = match.group(2)
        elif match.group(3):
            attributes[match.group(3).lower()] = match.group(4)
        elif match.group(5):
            attributes[match.group(5).lower()] = match.group(6)
        else:
            attributes[position] = match.group(7) if match.group(7) is not None else match.group(8)
            position += 1
    return attributes


class _Converter:
    def __init__(self, media, gallery):
        self.media, self.gallery = media, gallery
        self.result = Converted(html="")

    # Shortcodes ------------------------------------------------------------------------------------------------
    def shortcodes(self, text):
        return _ANY_SHORTCODE.sub(self.shortcode, text)

    def shortcode(self, match):
        if match.group(1) == "[" and match.group(6) == "]":
            return match.group(0)[1:-1]  # [[escaped]]: the text itself
        name = match.group(2).lower()
        attributes, inner = shortcode_attributes(match.group(3)), match.group(5) or ""
        if name.startswith("fusion_") or name.startswith("fusion-"):
            return self.shortcodes(inner)
        if name in ("caption", "wp_caption"):
            return self.caption(attributes, self.shortcodes(inner))
        if name == "gallery":
            return self.gallery_figure(attributes)
        if name in ("embed", "youtube", "video", "vimeo"):
            address = (inner or attributes.get("src") or attributes.get("url") or attributes.get(0) or "").strip()
            return _video_link(address) if address else ""
        self.result.shortcodes.add(name)
        return match.group(0)

    def caption(self, attributes, inner):
        caption = attributes.get("caption", "")
        if not caption:
            # The caption is what follows the image (and its link), as WordPress reads it.
            found = re.match(r"\s*((?:<a [^>]+>\s*)?<img [^>]+>\s*(?:</a>)?)(.*)", inner, re.DOTALL)
            if found:
                inner, caption = found.group(1), found.group(2).strip()
        align = {"alignleft": " image-style-align-left", "alignright": " image-style-align-right",
                 "aligncenter": " image-style-align-center"}.get(attributes.get("align", ""), "")  # fmt: skip
        image = re.search(r"<img [^>]+>", inner)
        if image is None:
            return inner + (f"<p>{caption}</p>" if caption else "")
        figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
        return f'\n\n<figure class="image{align}">{image.group(0)}{figcaption}</figure>\n\n'

    def gallery_figure(self, attributes):
        ids = [int(part) for part in re.findall(r"\d+", attributes.get("ids", "") or attributes.get("include", ""))]
        images = self.gallery(ids)
        if not images:
            return ""
        items = "".join(
            f'<figure class="image"><img src="{html.escape(url)}" alt="{html.escape(alt)}">'
            + (f"<figcaption>{html.escape(caption)}</figcaption>" if caption else "")
            + "</figure>"
            for url, alt, caption in images
        )
        return f'\n\n<figure class="gallery">{items}</figure>\n\n'

    # Media -----------------------------------------------------------------------------------------------------
    def images_and_links(self, text):
        text = re.sub(r"<img\b[^>]*>", self.image, text)
        return re.sub(r"""(<a\b[^>]*\bhref=)(["'])(.*?)\2""", self.upload_link, text)

    def image(self, match):
        tag = match.group(0)
        source = _attribute(tag, "src")
        if stored_name_from_url(source) is not None:
            return tag  # one of this site's own (a gallery's, converted already)
        if not upload_key(source):
            # The sanitizer keeps only images stored here: an image elsewhere would be an empty frame.
            self.result.foreign_media.add(source or "(an image without an address)")
            return ""
        found = self.media(source)
        if found is None:
            self.result.missing_media.add(source.split("?", 1)[0])  # ?w=604: WordPress.com's sizes of one file
            return ""
        url, alt = found
        alt = _attribute(tag, "alt") or alt
        return f'<img src="{html.escape(url)}" alt="{html.escape(alt)}">'

    def upload_link(self, match):
        address = html.unescape(match.group(3))
        if not upload_key(address):
            return match.group(0)
        found = self.media(address)
        if found is None:
            self.result.missing_media.add(address)
            return match.group(0)
        return f'{match.group(1)}"{html.escape(found[0])}"'

    # Headings --------------------------------------------------------------------------------------------------
    def headings(self, text):
        def level(match):
            number = int(match.group(2))
            new = 2 if number == 1 else 4 if number > 4 else number
            return f"<{match.group(1)}h{new}{match.group(3)}>"

        text = re.sub(r"<(/?)h([1-6])(\b[^>]*)>", level, text, flags=re.IGNORECASE)
        previous = 1
        for match in re.finditer(r"<h([2-4])\b[^>]*>([\s\S]*?)</h\1>", text):
            number = int(match.group(1))
            if number > previous + 1:
                title = " ".join(re.sub(r"<[^>]+>", "", match.group(2)).split())
                self.result.heading_problems.append(f"“{title}” is a level-{number} heading after level {previous}")
            previous = number
        return text


def _attribute(tag, name):
    found = re.search(r"""\b""" + name + r"""\s*=\s*(["'])(.*?)\1""", tag, re.DOTALL)
    return html.unescape(found.group(2)) if found else ""


def is_video_address(address):
    try:
        host = urlsplit(address).hostname or ""
    except ValueError:
        return False
    return address.startswith(("http://", "https://")) and host.lower() in _VIDEO_HOSTS


def _video_link(address):
    """A video as the editor's media embed would store it when its platform is allowed, else a link to it."""
    video = parse_video_url(html.unescape(address))
    if video is not None:
        return f'\n\n<figure class="media"><oembed url="{html.escape(video.url)}"></oembed></figure>\n\n'
    address = html.escape(html.unescape(address))
    return f'\n\n<p><a href="{address}">{address}</a></p>\n\n'


def _gallery_block(match):
    """A Gutenberg gallery block (a list of figures, or image blocks in a figure) as this site's gallery figure."""
    images = "".join(
        f'<figure class="image">{image}'
        + (f"<figcaption>{caption.strip()}</figcaption>" if caption else "")
        + "</figure>"
        for image, caption in _GALLERY_IMAGE.findall(match.group(1))
    )
    return f'<figure class="gallery">{images}</figure>' if images else ""


def _embed_block(match):
    """A Gutenberg embed block (its figure and wrapper) as the link to what it embedded."""
    address = re.search(r"https?://[^\s<\"']+", match.group(2))
    if address is None:
        return ""
    if is_video_address(address.group(0)):
        return _video_link(address.group(0))
    escaped = html.escape(address.group(0))
    return f'<p><a href="{escaped}">{escaped}</a></p>'


def convert(content, *, media=lambda address: None, gallery=lambda ids: []):
    """`content` (a post's `content:encoded`) as this site's editor would have written it; a `Converted`.

    `media(address)` gives (new address, alt text) for an address in the old site's uploads, or None when its
    file is missing; `gallery(ids)` the (address, alt, caption) of a gallery's images (ids empty: the post's own).
    """
    converter = _Converter(media, gallery)
    text = content.replace("\r\n", "\n").replace("\r", "\n")
    blocks = has_blocks(text)
    text = _EMBED_BLOCK.sub(_embed_block, text)
    text = _GALLERY_BLOCK.sub(_gallery_block, text)
    text = _BLOCK_COMMENT.sub("", text)
    # <!--more-->, <!--nextpage--> and any other comment: nothing a reader sees, and an empty paragraph once gone.
    text = re.sub(r"<!--[\s\S]*?-->", "", text)
    text = re.sub(r"<(/?)del\b", r"<\1s", text)
    text = converter.shortcodes(text)
    # A video address alone on its line is an embed in WordPress (oEmbed).
    text = re.sub(
        r"^\s*(https?://[^\s<]+)\s*$",
        lambda match: _video_link(match.group(1)) if is_video_address(match.group(1)) else match.group(0),
        text,
        flags=re.MULTILINE,
    )
    if not blocks:
        text = autop(text)
    text = converter.images_and_links(text)
    text = re.sub(r"<p>\s*(?:&nbsp;|\xa0)?\s*</p>\n?", "", converter.headings(text))
    converter.result.html = re.sub(r"<p>[ \t]+", "<p>", text).strip()
    return converter.result


def upload_key(address):
    """The path of an address in the old site's uploads folder ("2019/05/knee-300x200.jpg"), or "" for any other
    address. A WordPress.com site keeps its uploads at <site>.files.wordpress.com."""
    try:
        parts = urlsplit(address)
    except ValueError:
        return ""
    path = unquote(parts.path)
    if UPLOADS in path:
        key = path.split(UPLOADS, 1)[1]
    elif (parts.hostname or "").endswith(".files.wordpress.com"):
        key = path.lstrip("/")
    else:
        return ""
    pieces = PurePosixPath(key).parts
    return "" if not pieces or any(piece in ("..", ".", "") for piece in pieces) else key


def original_upload(address):
    """The address of the original of a resized upload (`photo-300x200.jpg` → `photo.jpg`)."""
    path, _, query = address.partition("?")
    return _SIZED.sub("", path)
