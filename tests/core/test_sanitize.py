import pytest

from core.sanitize import sanitize_html
from tests.factories import ArticleFactory

HOSTILE_SNIPPETS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<img src=x oNeRrOr=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="&#106;avascript:alert(1)">click</a>',
    '<a href="java\tscript:alert(1)">click</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">click</a>',
    '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
    '<a href="vbscript:msgbox(1)">click</a>',
    "<svg><script>alert(1)</script></svg>",
    "<svg onload=alert(1)>",
    '<math><mtext><table><mglyph><style><img src=x onerror="alert(1)"></style></mglyph></table></mtext></math>',
    '<iframe src="https://evil.example"></iframe>',
    '<object data="evil.swf"></object>',
    '<embed src="evil.swf">',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<p style="background-image:url(javascript:alert(1))">styled</p>',
    '<form action="https://evil.example"><input name="password"></form>',
    '<body onload="alert(1)">',
    '<div onmouseover="alert(1)">hover</div>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<base href="https://evil.example/">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    "<<script>alert(1);//<</script>",
    '<img """><script>alert(1)</script>">',
    '<details open ontoggle="alert(1)">',
    '<video><source onerror="alert(1)"></video>',
    '<p title="x" onfocus="alert(1)" autofocus tabindex=1>focus</p>',
    '<a href="https://ok.example" target="_blank" onclick="alert(1)">ok</a>',
    "<!--<script>alert(1)</script>-->",
    '<figure class="image evil-class" onclick="alert(1)"><img src="/media/a.png" alt="a"></figure>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
]

DANGEROUS_MARKERS = [
    "<script",
    "onerror",
    "onload",
    "onclick",
    "onmouseover",
    "ontoggle",
    "onfocus",
    "javascript:",
    "vbscript:",
    "data:",
    "<iframe",
    "<object",
    "<embed",
    "<style",
    "style=",
    "<form",
    "<input",
    "<meta",
    "<base",
    "<link",
    "<svg",
    "<math",
    "evil-class",
]


@pytest.mark.parametrize("snippet", HOSTILE_SNIPPETS)
def test_hostile_markup_is_neutralised(snippet):
    cleaned = sanitize_html(snippet).lower()

    for marker in DANGEROUS_MARKERS:
        assert marker not in cleaned, f"{marker!r} survived in {cleaned!r}"


def test_corpus_has_at_least_twenty_snippets():
    assert len(HOSTILE_SNIPPETS) >= 20


EDITOR_OUTPUT = [
    "<h2>Heading</h2>",
    "<h3>Sub heading</h3>",
    "<h4>Minor heading</h4>",
    "<p><strong>bold</strong> and <i>italic</i> and <em>emphasis</em></p>",
    '<p><a href="https://example.org/study" rel="noopener">a study</a></p>',
    '<p><a href="/blog/other-article/" rel="noopener">another article</a></p>',
    '<p><a href="mailto:info@example.org" rel="noopener">write to us</a></p>',
    "<ul><li>one</li><li>two</li></ul>",
    '<ol start="3"><li>three</li></ol>',
    "<blockquote><p>quoted</p></blockquote>",
    '<figure class="table"><table><thead><tr><th>A</th></tr></thead>'
    "<tbody><tr><td>1</td></tr></tbody></table></figure>",
    '<figure class="image image-style-side"><img src="/media/editor/2026/11/a.png" alt="An x-ray" width="800" '
    'height="600"><figcaption>Caption</figcaption></figure>',
    "<p>H<sub>2</sub>O, 10<sup>6</sup> cells, <s>withdrawn</s>, <code>ICD-10 M25.5</code></p>",
    '<pre><code class="language-plaintext">Line one\nline two</code></pre>',
    "<hr>",
    '<ol reversed="" start="8"><li>eight</li></ol>',
]


@pytest.mark.parametrize("markup", EDITOR_OUTPUT)
def test_what_the_editor_produces_survives_unchanged(markup):
    assert sanitize_html(markup) == markup


@pytest.mark.django_db
def test_hostile_body_never_reaches_a_reader(client):
    article = ArticleFactory(body="<p><strong>Safe</strong> words</p>" + "".join(HOSTILE_SNIPPETS))

    html = client.get(article.get_absolute_url()).content.decode()
    body = html[html.index('<div class="article__body prose">') : html.index("</article>")].lower()

    assert "<strong>safe</strong> words" in body
    for marker in ("<script", "onerror", "javascript:", "<iframe", "<svg"):
        assert marker not in body


@pytest.mark.parametrize(
    "src",
    [
        "/media/http://127.0.0.1:9/x.png",
        "/media/https://example.com/x.png",
        "/media//example.com/x.png",
        "//example.com/x.png",
        "https://example.com/x.png",
        "/media/../settings.py",
        "/media/editor/%2e%2e/%2e%2e/x.png",
        "/media/editor\\x.png",
        "/static/img/x.png",
    ],
)
def test_sanitize_html_drops_image_addresses_outside_our_storage(src):
    cleaned = sanitize_html(f'<p><img src="{src}" alt="x"></p>')

    assert "src=" not in cleaned
    assert 'alt="x"' in cleaned


def test_sanitize_html_keeps_images_from_our_storage():
    markup = '<p><img src="/media/editor/2026/11/0a1b.png" alt="x"></p>'

    assert sanitize_html(markup) == markup


VIDEO = '<figure class="media"><oembed url="{}"></oembed></figure>'


def test_a_video_embed_is_kept_in_its_canonical_form():
    cleaned = sanitize_html("<p>Watch:</p>" + VIDEO.format("https://youtu.be/dQw4w9WgXcQ?t=90"))

    assert cleaned == "<p>Watch:</p>" + VIDEO.format("https://www.youtube.com/watch?v=dQw4w9WgXcQ&amp;t=90s")


@pytest.mark.parametrize(
    "markup",
    [
        VIDEO.format("https://www.dailymotion.com/video/x8abc"),
        VIDEO.format("https://evil.example/embed"),
        VIDEO.format("javascript:alert(1)"),
        '<figure class="media"><oembed></oembed></figure>',
        '<figure class="media"><oembed url="https://youtu.be/dQw4w9WgXcQ"></oembed><p>extra</p></figure>',
        '<figure class="media"><iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe></figure>',
        '<figure class="media image"><img src="/media/a.png" alt="a"></figure>',
        '<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"></iframe>',
    ],
)
def test_any_other_embed_is_dropped_whole(markup):
    assert sanitize_html(f"<p>Before</p>{markup}<p>After</p>") == "<p>Before</p><p>After</p>"


def test_an_oembed_outside_its_figure_leaves_no_tag():
    assert sanitize_html('<p><oembed url="https://youtu.be/dQw4w9WgXcQ">text</oembed></p>') == "<p>text</p>"


def test_a_video_of_a_platform_left_out_of_the_setting_is_dropped(settings):
    settings.VIDEO_EMBED_PROVIDERS = ["youtube"]

    assert sanitize_html(VIDEO.format("https://vimeo.com/76979871")) == ""
    assert "oembed" in sanitize_html(VIDEO.format("https://youtu.be/dQw4w9WgXcQ"))


def test_a_video_inside_a_gallery_does_not_swallow_what_follows():
    markup = '<figure class="gallery"><figure class="media"><figure class="image"><img src="/media/a.png" alt="a">'
    markup += '</figure></figure><figure class="image"><img src="/media/b.png" alt="b"></figure></figure><p>After</p>'

    assert sanitize_html(markup) == (
        '<figure class="gallery"><figure class="image"><img src="/media/b.png" alt="b"></figure></figure><p>After</p>'
    )
