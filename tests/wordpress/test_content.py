"""Post content converted the way WordPress shows it, then as this site's editor writes it."""

from core.sanitize import sanitize_html
from wordpress.content import autop, convert, original_upload, shortcode_attributes, upload_key

OLD = "https://old-clinic.example/wp-content/uploads/2019/05/"


def media(address):
    known = {OLD + "knee.jpg": ("/media/editor/2026/12/knee.jpg", "A knee being examined")}
    return known.get(original_upload(address))


def test_classic_text_gets_wordpress_paragraphs_and_line_breaks():
    text = "First paragraph,\nsecond line.\n\nSecond paragraph.\n\n\n<ul>\n<li>One</li>\n</ul>\nAfter the list."

    assert autop(text) == (
        "<p>First paragraph,<br />\nsecond line.</p>\n<p>Second paragraph.</p>\n<ul>\n<li>One</li>\n</ul>\n"
        "<p>After the list.</p>\n"
    )


def test_autop_leaves_preformatted_text_and_tags_written_on_two_lines_alone():
    text = '<pre>line one\n\nline two</pre>\n\nText with <a\nhref="/x">a link</a>.'

    converted = autop(text)

    assert "<pre>line one\n\nline two</pre>" in converted
    assert '<p>Text with <a\nhref="/x">a link</a>.</p>' in converted


def test_gutenberg_comments_go_and_blocks_stay_without_extra_paragraphs():
    content = (
        "<!-- wp:paragraph -->\n<p>Prolotherapy is an injection.</p>\n<!-- /wp:paragraph -->\n\n"
        '<!-- wp:heading {"level":3} -->\n<h3>Does it hurt?</h3>\n<!-- /wp:heading -->'
    )

    converted = convert(content).html

    assert "wp:" not in converted
    assert "<p>Prolotherapy is an injection.</p>" in converted
    assert "<p><p>" not in converted and "<br" not in converted


def test_a_caption_becomes_a_figure_with_its_caption_and_the_image_imported():
    content = (
        f'[caption id="attachment_12" align="alignright" width="300"]<a href="{OLD}knee.jpg">'
        f'<img class="size-medium" src="{OLD}knee-300x200.jpg" alt="" width="300" height="200" /></a> '
        "The knee after treatment[/caption]"
    )

    converted = convert(content, media=media)

    assert converted.html == (
        '<figure class="image image-style-align-right"><img src="/media/editor/2026/12/knee.jpg" '
        'alt="A knee being examined"><figcaption>The knee after treatment</figcaption></figure>'
    )


def test_a_gallery_shows_its_images_in_one_figure():
    def gallery(ids):
        assert ids == [4, 5]
        return [("/media/a.jpg", "First", "Before"), ("/media/b.jpg", "Second", "")]

    converted = convert('Our rooms:\n\n[gallery ids="4,5" columns="2"]', gallery=gallery).html

    assert converted.replace("\n", "") == (
        "<p>Our rooms:</p>"
        '<figure class="gallery"><figure class="image"><img src="/media/a.jpg" alt="First">'
        '<figcaption>Before</figcaption></figure><figure class="image"><img src="/media/b.jpg" alt="Second">'
        "</figure></figure>"
    )


def test_videos_become_the_editors_embed_whichever_way_they_were_embedded():
    content = (
        "Watch:\n\nhttps://www.youtube.com/watch?v=abc123def45\n\n[embed]https://vimeo.com/42[/embed]\n\n"
        '[youtube https://youtu.be/xyzxyzxyz12]\n\n<!-- wp:embed {"url":"https://youtu.be/blockblock1"} -->\n'
        '<figure class="wp-block-embed"><div class="wp-block-embed__wrapper">\nhttps://youtu.be/blockblock1\n</div>'
        "</figure>\n<!-- /wp:embed -->"
    )

    converted = sanitize_html(convert(content).html)

    youtube = "https://www.youtube.com/watch?v="
    for address in (f"{youtube}abc123def45", "https://vimeo.com/42", f"{youtube}xyzxyzxyz12", f"{youtube}blockblock1"):
        assert f'<figure class="media"><oembed url="{address}"></oembed></figure>' in converted
    assert "wp-block-embed" not in converted and "[embed]" not in converted and "<a " not in converted


def test_videos_of_other_platforms_stay_links():
    content = "[embed]https://www.dailymotion.com/video/x8abc[/embed]\n\n[youtube https://youtu.be/short]"

    converted = convert(content).html

    assert converted == (
        '<p><a href="https://www.dailymotion.com/video/x8abc">https://www.dailymotion.com/video/x8abc</a></p>\n'
        '<p><a href="https://youtu.be/short">https://youtu.be/short</a></p>'
    )


def test_videos_of_a_platform_left_out_of_the_setting_become_links(settings):
    settings.VIDEO_EMBED_PROVIDERS = ["youtube"]

    converted = convert("[embed]https://vimeo.com/42[/embed]").html

    assert converted == '<p><a href="https://vimeo.com/42">https://vimeo.com/42</a></p>'


def test_fusion_builder_is_unwrapped_and_other_shortcodes_are_kept_and_reported():
    content = (
        '[fusion_builder_container hundred_percent="no"][fusion_builder_row][fusion_builder_column type="1_1"]'
        '[fusion_text]Book a consultation.[/fusion_text][fusion_separator style_type="none" /]'
        '[/fusion_builder_column][/fusion_builder_row][/fusion_builder_container]\n\n[contact-form-7 id="5"]'
        " and [[escaped]]"
    )

    converted = convert(content)

    assert "fusion" not in converted.html
    assert "Book a consultation." in converted.html
    assert '[contact-form-7 id="5"]' in converted.html and "[escaped]" in converted.html
    assert converted.shortcodes == {"contact-form-7"}


def test_headings_start_at_level_two_and_skipped_levels_are_reported():
    converted = convert("<h1>Title</h1>\n<h4>Too deep</h4>\n<h6>Deeper</h6>\n<h2>Back</h2>")

    assert "<h2>Title</h2>" in converted.html and "<h4>Deeper</h4>" in converted.html
    assert "h1" not in converted.html and "h6" not in converted.html
    assert converted.heading_problems == ["“Too deep” is a level-4 heading after level 2"]


def test_images_missing_from_the_uploads_or_on_other_sites_are_left_out_and_reported():
    content = f'<img src="{OLD}lost.png" alt="Lost"> <img src="https://elsewhere.example/a.png" alt="Away">'

    converted = convert(content, media=media)

    assert converted.missing_media == {f"{OLD}lost.png"}
    assert converted.foreign_media == {"https://elsewhere.example/a.png"}
    assert "<img" not in converted.html  # never an empty frame where the sanitizer would drop the address


def test_links_to_uploaded_documents_point_at_the_imported_file():
    def documents(address):
        return ("/media/documents/2019/05/consent.pdf", "") if address.endswith("consent.pdf") else None

    converted = convert(f'<a href="{OLD}consent.pdf">Consent form</a>', media=documents).html

    assert converted == '<p><a href="/media/documents/2019/05/consent.pdf">Consent form</a></p>'


def test_shortcode_attributes_read_as_wordpress_reads_them():
    assert shortcode_attributes(' id="3" Align=\'left\' width=300 "positional" bare') == {
        "id": "3", "align": "left", "width": "300", 0: "positional", 1: "bare"
    }  # fmt: skip


def test_uploads_are_known_on_a_wordpress_site_and_on_wordpress_com():
    assert upload_key(OLD + "knee-300x200.jpg") == "2019/05/knee-300x200.jpg"
    assert upload_key("https://clinic.files.wordpress.com/2013/03/x-ray.png?w=300") == "2013/03/x-ray.png"
    assert upload_key("https://elsewhere.example/2013/03/x.png") == ""
    assert upload_key(f"{OLD}../../wp-config.php") == ""


def test_the_original_of_a_resized_upload():
    assert original_upload(OLD + "knee-1024x683.jpg?ver=2") == OLD + "knee.jpg"
    assert original_upload(OLD + "x-ray-2x.png") == OLD + "x-ray-2x.png"


def test_a_gutenberg_gallery_becomes_the_sites_gallery_and_comments_leave_no_empty_paragraph():
    content = (
        '<!-- wp:gallery {"ids":[4,5]} -->\n<figure class="wp-block-gallery columns-2"><ul class="blocks-gallery-grid">'
        f'<li class="blocks-gallery-item"><figure><img src="{OLD}knee.jpg" alt="" class="wp-image-4"/>'
        '<figcaption class="blocks-gallery-item__caption">Before</figcaption></figure></li></ul></figure>\n'
        "<!-- /wp:gallery -->\n\n<!-- wp:more -->\n<!--more-->\n<!-- /wp:more -->"
    )

    converted = convert(content, media=media).html

    assert converted == (
        '<figure class="gallery"><figure class="image"><img src="/media/editor/2026/12/knee.jpg" '
        'alt="A knee being examined"><figcaption>Before</figcaption></figure></figure>'
    )
