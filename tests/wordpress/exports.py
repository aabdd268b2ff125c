"""WordPress exports written the way WordPress's exporter (wp-admin/includes/export.php) writes them, for the
cases the shared files do not have: a clinic's Yoast fields, an uploads folder, replies before their parents."""

from xml.sax.saxutils import escape

SITE = "https://old-clinic.example"


def cdata(text):
    return "<![CDATA[" + str(text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def meta(values):
    return "".join(
        f"<wp:postmeta><wp:meta_key>{cdata(key)}</wp:meta_key><wp:meta_value>{cdata(value)}</wp:meta_value></wp:postmeta>"
        for key, value in values.items()
    )


def comment(
    number, *, parent=0, author="A reader", email="reader@example.org", content="Thank you!", approved="1",
    date="2020-03-01 10:00:00", kind="comment", user_id=0, ip="203.0.113.9",
):  # fmt: skip
    return f"""
<wp:comment><wp:comment_id>{number}</wp:comment_id><wp:comment_author>{cdata(author)}</wp:comment_author>
<wp:comment_author_email>{cdata(email)}</wp:comment_author_email><wp:comment_author_url>https://reader.example</wp:comment_author_url>
<wp:comment_author_IP>{cdata(ip)}</wp:comment_author_IP><wp:comment_date>{cdata(date)}</wp:comment_date>
<wp:comment_date_gmt>{cdata(date)}</wp:comment_date_gmt><wp:comment_content>{cdata(content)}</wp:comment_content>
<wp:comment_approved>{cdata(approved)}</wp:comment_approved><wp:comment_type>{cdata(kind)}</wp:comment_type>
<wp:comment_parent>{parent}</wp:comment_parent><wp:comment_user_id>{user_id}</wp:comment_user_id>
<wp:commentmeta><wp:meta_key>{cdata("_comment_agent")}</wp:meta_key><wp:meta_value>{cdata("Firefox")}</wp:meta_value></wp:commentmeta>
</wp:comment>"""


def item(
    number, title, *, post_type="post", slug=None, content="", excerpt="", status="publish", creator="drjones",
    date="2020-02-01 09:30:00", date_gmt=None, parent=0, order=0, link=None, terms=(), postmeta=None,
    comments=(), comment_status="open", attachment_url="", sticky=0,
):  # fmt: skip
    slug = slug if slug is not None else title.lower().replace(" ", "-")
    link = link or f"{SITE}/{date[:4]}/{date[5:7]}/{slug}/"
    categories = "".join(
        f'<category domain="{domain}" nicename="{escape(nicename)}">{cdata(name)}</category>'
        for domain, nicename, name in terms
    )
    attachment = f"<wp:attachment_url>{cdata(attachment_url)}</wp:attachment_url>" if attachment_url else ""
    return f"""
<item><title>{escape(title)}</title><link>{escape(link)}</link><dc:creator>{cdata(creator)}</dc:creator>
<guid isPermaLink="false">{SITE}/?p={number}</guid><description></description>
<content:encoded>{cdata(content)}</content:encoded><excerpt:encoded>{cdata(excerpt)}</excerpt:encoded>
<wp:post_id>{number}</wp:post_id><wp:post_date>{cdata(date)}</wp:post_date>
<wp:post_date_gmt>{cdata(date_gmt or date)}</wp:post_date_gmt>
<wp:comment_status>{cdata(comment_status)}</wp:comment_status>
<wp:post_name>{cdata(slug)}</wp:post_name><wp:status>{cdata(status)}</wp:status><wp:post_parent>{parent}</wp:post_parent>
<wp:menu_order>{order}</wp:menu_order><wp:post_type>{cdata(post_type)}</wp:post_type><wp:post_password>{cdata("")}</wp:post_password>
<wp:is_sticky>{sticky}</wp:is_sticky>{attachment}{categories}{meta(postmeta or {})}{"".join(comments)}</item>"""


def export(*items, authors=None, terms=""):
    authors = authors if authors is not None else [(1, "drjones", "jones@old-clinic.example", "Dr. Ann Jones")]
    written = "".join(
        f"<wp:author><wp:author_id>{number}</wp:author_id><wp:author_login>{cdata(login)}</wp:author_login>"
        f"<wp:author_email>{cdata(email)}</wp:author_email><wp:author_display_name>{cdata(name)}</wp:author_display_name>"
        "<wp:author_first_name><![CDATA[]]></wp:author_first_name><wp:author_last_name><![CDATA[]]></wp:author_last_name>"
        "</wp:author>"
        for number, login, email, name in authors
    )
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Old Clinic</title><link>{SITE}</link><description>Regenerative medicine</description>
<language>en-US</language><wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>{SITE}</wp:base_site_url>
<wp:base_blog_url>{SITE}</wp:base_blog_url>{written}{terms}{"".join(items)}</channel></rss>""".encode()


def category(number, slug, name, parent=""):
    return (
        f"<wp:category><wp:term_id>{number}</wp:term_id><wp:category_nicename>{cdata(slug)}</wp:category_nicename>"
        f"<wp:category_parent>{cdata(parent)}</wp:category_parent><wp:cat_name>{cdata(name)}</wp:cat_name></wp:category>"
    )
