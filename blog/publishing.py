"""Checks an article in a medical category must pass before it can be published (drafts always save)."""

from html.parser import HTMLParser

from .models import Article


class _BodyOutline(HTMLParser):
    """The body's headings (level, text) and how many images lack a text alternative."""

    def __init__(self):
        super().__init__()
        self.headings, self.images_without_alt = [], 0
        self._heading = None

    def handle_starttag(self, tag, attrs):
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._heading = [int(tag[1]), ""]
        elif tag == "img" and not (dict(attrs).get("alt") or "").strip():
            self.images_without_alt += 1

    def handle_data(self, data):
        if self._heading is not None:
            self._heading[1] += data

    def handle_endtag(self, tag):
        if self._heading is not None and tag == f"h{self._heading[0]}":
            self.headings.append((self._heading[0], " ".join(self._heading[1].split())))
            self._heading = None


def heading_problems(headings):
    """Headings must start at level 2 (the title is the page's h1) and never skip a level going down."""
    problems, previous = [], 1
    for level, text in headings:
        if level > previous + 1:
            problems.append(
                f"The heading “{text}” is a level {level} heading after a level {previous} one: "
                f"use level {previous + 1}, or restructure."
            )
        previous = level
    return problems


REFERENCES = "references"


def publish_problems(article, reference_count=None):
    """What stops `article` from being published, as (field, words an editor can act on); empty when nothing does.

    The field is the one to fix (REFERENCES for the references listed under the editor). Without
    `reference_count` the references are not checked.
    """
    if article.status != Article.Status.PUBLISHED or not (article.category and article.category.is_medical):
        return []
    problems = []
    if article.medical_reviewer_id is None:
        problems.append(("medical_reviewer", "Name a medical reviewer."))
    if article.last_reviewed_at is None:
        problems.append(("last_reviewed_at", "Give the date of the last medical review."))
    if reference_count is not None and reference_count < 1:
        problems.append((REFERENCES, "Add at least one reference."))
    if not (article.seo_description or article.excerpt).strip():
        problems.append(("excerpt", "Write an excerpt (or a meta description under SEO)."))
    outline = _BodyOutline()
    outline.feed(article.body or "")
    if outline.images_without_alt:
        problems.append(
            (
                "body",
                f"Give every image in the body alt text: {outline.images_without_alt} image(s) have none "
                "(select the image in the editor and use “Change image text alternative”).",
            )
        )
    return problems + [("body", problem) for problem in heading_problems(outline.headings)]


def blocking_publish_problems(article, reference_count=None):
    """The problems that stop this save of `article`.

    All of them when it becomes published. For an article already published, only those this save would bring
    in: fixing a typo in a live article must not need a reference it never had (the rest are warned about).
    """
    problems = publish_problems(article, reference_count)
    stored = Article.objects.filter(pk=article.pk, status=Article.Status.PUBLISHED).first() if article.pk else None
    if not problems or stored is None:
        return problems
    stored_count = None if reference_count is None else stored.references.count()
    existing = {problem for _field, problem in publish_problems(stored, stored_count)}
    return [(field, problem) for field, problem in problems if problem not in existing]
