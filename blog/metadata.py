"""The metadata of the blog's pages: an article's (BlogPosting on a MedicalWebPage), its author's, its category's
feeds. Built on the site-level half in clinic/metadata.py."""

from django.urls import reverse

from clinic.metadata import (
    ATOM,
    RSS,
    PageMeta,
    SocialImage,
    breadcrumbs,
    clinic_organization,
    clinic_ref,
    graph,
    image_object,
    ref,
    site_feeds,
    site_image,
    social_tags,
    website,
)
from clinic.models import clinic_settings
from core.links import absolute_url

# Words written before a name that schema.org wants in honorificPrefix rather than in the name.
HONORIFICS = {"dr", "doctor", "prof", "professor", "mr", "mrs", "ms", "mx", "miss", "sir", "dame"}


def person_name(display_name, credentials=""):
    """(honorificPrefix, name, honorificSuffix) of "Dr. Emily Harper" and "MD": ("Dr.", "Emily Harper", "MD").

    Degrees written after a comma in the display name ("Emily Harper, MD") count as credentials too.
    """
    name, _, written_after = display_name.partition(",")
    words = name.split()
    prefix = []
    while len(words) > 1 and words[0].rstrip(".").lower() in HONORIFICS:
        prefix.append(words.pop(0))
    return " ".join(prefix), " ".join(words), credentials.strip() or written_after.strip()


def person(request, profile):
    """A staff member's Person node, with the same `@id` on every page (their author page's address)."""
    page = absolute_url(profile.get_absolute_url(), request)
    prefix, name, suffix = person_name(profile.display_name, profile.credentials)
    node = {"@type": "Person", "@id": page + "#person", "name": name, "url": page}
    if prefix:
        node["honorificPrefix"] = prefix
    if suffix:
        node["honorificSuffix"] = suffix
    if profile.job_title:
        node["jobTitle"] = profile.job_title
    if profile.photo:
        node["image"] = absolute_url(profile.photo.url, request)
    node["worksFor"] = clinic_ref(request)
    return node


def article_image(request, article):
    if not article.featured_image:
        return site_image(request)
    return SocialImage(
        url=absolute_url(article.featured_image.url, request),
        width=article.featured_image_width,
        height=article.featured_image_height,
        alt=article.featured_image_alt,
        card="summary_large_image",
    )


def article_meta(request, article):
    url = absolute_url(article.get_absolute_url(), request)
    title = article.meta_title
    description = article.meta_description
    image = article_image(request, article)
    og, twitter = social_tags(request, title=title, description=description, url=url, og_type="article", image=image)
    og += [
        ("article:published_time", article.published_at.isoformat()),
        ("article:modified_time", article.updated_at.isoformat()),
    ]
    if article.category:
        og.append(("article:section", article.category.name))
    tags = [tag.name for tag in article.tags.all()]
    og += [("article:tag", tag) for tag in tags]

    site, clinic = website(request), clinic_organization(request)
    if article.author_profile is not None:
        author = person(request, article.author_profile)
    else:
        author = {"@type": "Person", "@id": url + "#author", "name": article.author_name}
    trail = [(article.category.name, article.category.get_absolute_url())] if article.category else []
    trail.append((article.title, article.get_absolute_url()))
    crumbs = breadcrumbs(request, url, *trail)
    reviewer = None
    if article.medical_reviewer and article.last_reviewed_at:
        reviewer = person(request, article.medical_reviewer)
    page = web_page(request, article, url, reviewer=reviewer)
    posting = {
        "@type": "BlogPosting",
        "@id": url + "#article",
        "headline": article.title,
        "description": description,
        "url": url,
        "mainEntityOfPage": ref(page),
        "isPartOf": ref(site),
        "datePublished": article.published_at.isoformat(),
        "dateModified": article.updated_at.isoformat(),
        "author": ref(author),
        "publisher": ref(clinic),
        "wordCount": len(article.body_text.split()),
        "inLanguage": "en",
    }
    if article.featured_image:
        posting["image"] = image_object(image)
    if article.category:
        posting["articleSection"] = article.category.name
    if tags:
        posting["keywords"] = ", ".join(tags)
    page.update(isPartOf=ref(site), breadcrumb=ref(crumbs), mainEntity=ref(posting), publisher=ref(clinic))
    feeds = []
    if article.category:
        feeds = category_feeds(request, article.category)
    return PageMeta(
        title=article.seo_title or f"{article.title} — {clinic_settings(request).name}",
        description=description,
        canonical_url=url,
        og=og,
        twitter=twitter,
        json_ld=graph(site, clinic, page, posting, author, reviewer, crumbs),
        feeds=feeds + site_feeds(request),
    )


def web_page(request, article, url, *, reviewer=None):
    """The article's page: a MedicalWebPage saying who reviewed it (`reviewer`, a Person node), when, and what
    it cites; a plain WebPage when it has neither."""
    references = list(article.references.all())
    page = {
        "@type": "MedicalWebPage" if references or reviewer else "WebPage",
        "@id": url + "#webpage",
        "url": url,
        "name": article.meta_title,
        "description": article.meta_description,
        "inLanguage": "en",
        "datePublished": article.published_at.isoformat(),
        "dateModified": article.updated_at.isoformat(),
    }
    if reviewer:
        page["reviewedBy"] = ref(reviewer)
        page["lastReviewed"] = article.last_reviewed_at.isoformat()
    if references:
        page["citation"] = [_citation(reference) for reference in references]
    return page


def _citation(reference):
    citation = {"@type": "ScholarlyArticle", "name": reference.title, "author": reference.authors}
    if reference.journal:
        citation["isPartOf"] = {"@type": "Periodical", "name": reference.journal}
    if reference.year:
        citation["datePublished"] = str(reference.year)
    if reference.link:
        citation["url"] = reference.link
    identifiers = []
    if reference.doi:
        identifiers.append({"@type": "PropertyValue", "propertyID": "DOI", "value": reference.doi})
    if reference.pmid:
        identifiers.append({"@type": "PropertyValue", "propertyID": "PMID", "value": reference.pmid})
    if identifiers:
        citation["identifier"] = identifiers
    return citation


def category_feeds(request, category):
    site_name = clinic_settings(request).name
    return [
        {
            "title": f"{category.name} — {site_name} (RSS)",
            "type": RSS,
            "url": absolute_url(reverse("blog:category-feed-rss", kwargs={"slug": category.slug}), request),
        },
        {
            "title": f"{category.name} — {site_name} (Atom)",
            "type": ATOM,
            "url": absolute_url(reverse("blog:category-feed-atom", kwargs={"slug": category.slug}), request),
        },
    ]
