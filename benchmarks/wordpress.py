"""`manage.py import_wordpress` on generated exports of 1,000 and 10,000 posts (with 100 pages and ten threaded
comments a post, a tenth of the replies written before their parent, as WordPress's own exports sometimes are):
the whole import's time, posts per second, the importing process's peak memory (RSS), and a second run of the
same export, which must change nothing, against the first.

Targets (issue 18): 10,000 posts, 100 pages and 100,000 comments under 10 minutes; peak memory under 500 MB and
flat as the file grows (1,000 against 10,000 posts); the re-run at least 5 × faster than the first.
"""

import subprocess
import time
from xml.sax.saxutils import escape

SIZES = (1_000, 10_000)
PAGES = 100
COMMENTS_PER_POST = 10
SITE = "https://old-clinic.example"
PARAGRAPH = (
    "Prolotherapy is an injection treatment for chronic joint and ligament pain. A solution, usually dextrose, is "
    "injected where a ligament or tendon attaches to the bone, to prompt the body's own repair."
)
PEAK = """
import resource, sys, django
django.setup()
from django.core.management import call_command
call_command("import_wordpress", sys.argv[1], stdout=open("/dev/null", "w"))
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def cdata(text):
    return f"<![CDATA[{text}]]>"


def _comment(number, parent, post):
    return (
        f"<wp:comment><wp:comment_id>{number}</wp:comment_id><wp:comment_author>{cdata(f'Reader {number}')}"
        f"</wp:comment_author><wp:comment_author_email>reader{number}@example.org</wp:comment_author_email>"
        f"<wp:comment_author_url></wp:comment_author_url><wp:comment_author_IP>203.0.113.9</wp:comment_author_IP>"
        "<wp:comment_date>2021-05-01 10:00:00</wp:comment_date><wp:comment_date_gmt>2021-05-01 10:00:00"
        f"</wp:comment_date_gmt><wp:comment_content>{cdata(f'How long does recovery take after the {post}th?')}"
        "</wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_type>comment</wp:comment_type>"
        f"<wp:comment_parent>{parent}</wp:comment_parent><wp:comment_user_id>0</wp:comment_user_id></wp:comment>"
    )


def _item(number, kind, title, slug, content, comments="", parent=0):
    terms = (
        f'<category domain="category" nicename="topic-{number % 20}">{cdata(f"Topic {number % 20}")}</category>'
        f'<category domain="post_tag" nicename="tag-{number % 100}">{cdata(f"Tag {number % 100}")}</category>'
        if kind == "post"
        else ""
    )
    return (
        f"<item><title>{escape(title)}</title><link>{SITE}/2021/05/{slug}/</link>"
        f'<dc:creator>{cdata(f"author{number % 5}")}</dc:creator><guid isPermaLink="false">{SITE}/?p={number}'
        f"</guid><description></description><content:encoded>{cdata(content)}</content:encoded>"
        f"<excerpt:encoded>{cdata('')}</excerpt:encoded><wp:post_id>{number}</wp:post_id>"
        "<wp:post_date>2021-05-01 09:00:00</wp:post_date><wp:post_date_gmt>2021-05-01 09:00:00</wp:post_date_gmt>"
        f"<wp:comment_status>open</wp:comment_status><wp:post_name>{slug}</wp:post_name>"
        f"<wp:status>publish</wp:status><wp:post_parent>{parent}</wp:post_parent><wp:menu_order>0</wp:menu_order>"
        f"<wp:post_type>{kind}</wp:post_type><wp:post_password></wp:post_password><wp:is_sticky>0</wp:is_sticky>"
        f"{terms}{comments}</item>\n"
    )


def write_export(path, posts):
    """An export of `posts` posts, PAGES pages and COMMENTS_PER_POST threaded comments a post, written as a
    stream (the 10,000-post file is about 60 MB)."""
    with open(path, "w", encoding="utf-8") as file:
        file.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
            'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>Old Clinic</title>'
            f"<link>{SITE}</link><wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>{SITE}</wp:base_site_url>"
            f"<wp:base_blog_url>{SITE}</wp:base_blog_url>\n"
        )
        for author in range(5):
            file.write(
                f"<wp:author><wp:author_id>{author + 1}</wp:author_id><wp:author_login>author{author}"
                f"</wp:author_login><wp:author_email>author{author}@old-clinic.example</wp:author_email>"
                f"<wp:author_display_name>{cdata(f'Dr. Author {author}')}</wp:author_display_name></wp:author>\n"
            )
        comment = 1
        for page in range(PAGES):
            parent = 100_000_000 + page - 1 if page % 10 else 0
            file.write(_item(100_000_000 + page, "page", f"Page {page}", f"page-{page}", PARAGRAPH, parent=parent))
        for post in range(1, posts + 1):
            thread = []
            for position in range(COMMENTS_PER_POST):
                parent = comment - 1 if position % 2 else 0
                thread.append(_comment(comment, parent, post))
                comment += 1
            if post % 10 == 0:
                thread.reverse()  # replies before their parents
            body = "\n\n".join([PARAGRAPH] * 4) + f"\n\n<h2>Recovery</h2>\nPost {post}."
            file.write(_item(post, "post", f"Treatment note {post}", f"treatment-note-{post}", body, "".join(thread)))
        file.write("</channel></rss>\n")


def _import(env, python, root, export):
    started = time.perf_counter()
    done = subprocess.run([python, "-c", PEAK, str(export)], cwd=root, env=env, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"import_wordpress failed: {done.stderr[-3000:]}")
    return time.perf_counter() - started, int(done.stdout.strip().splitlines()[-1])


def import_figures(env_for, python, root, work, manage):
    """{posts: {"seconds", "rss_mb", "again_seconds"}} for each size, each on a fresh database (`env_for(size)`)."""
    figures = {}
    for posts in SIZES:
        export = work / f"wordpress-{posts}.xml"
        write_export(export, posts)
        env = env_for(posts)
        manage(env, "migrate", "--no-input")
        seconds, rss = _import(env, python, root, export)
        again, _ = _import(env, python, root, export)
        figures[posts] = {"seconds": seconds, "rss_mb": rss, "again_seconds": again,
                          "megabytes": export.stat().st_size / 1024**2}  # fmt: skip
        export.unlink()
    return figures


def report(figures):
    print(f"\n{'import_wordpress':24} {'file MB':>8} {'seconds':>8} {'posts/s':>8} {'peak MB':>8} {'re-run s':>9}")
    for posts, row in figures.items():
        name = f"{posts:,} posts, {posts * COMMENTS_PER_POST:,} comments"
        rate = posts / row["seconds"]
        print(f"{name:24} {row['megabytes']:>8.0f} {row['seconds']:>8.1f} {rate:>8.0f} {row['rss_mb']:>8} "
              f"{row['again_seconds']:>9.1f}")  # fmt: skip
    large, small = figures[SIZES[-1]], figures[SIZES[0]]
    print(f"  10,000 posts imported in                   {large['seconds'] / 60:5.1f} min  (target < 10)")
    print(f"  peak memory, 10,000 posts                  {large['rss_mb']:5d} MB  (target < 500)")
    print(f"  peak memory, 10,000 / 1,000 posts          {large['rss_mb'] / small['rss_mb']:5.2f}  (flat: about 1)")
    print(
        f"  first run / re-run, 10,000 posts           {large['seconds'] / large['again_seconds']:5.1f}  (target >= 5)"
    )
