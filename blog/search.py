"""Article search: PostgreSQL full-text search (weighted, ranked, highlighted), else SQLite's FTS5 index.

A search costs what its page shows, however many articles match: it ranks at most the RANKED_MATCHES most
recently added articles that match (a word in every article of a big site is no more costly than a word in
three), counts them with one plain COUNT (nothing ranked), and the page is one ranked query whose LIMIT/OFFSET is
the page (`SearchResults`). When more articles match, the page says so and asks for another word: nobody reads a
thousand results, and the ones dropped are the oldest. Snippets are made for the page's articles only.

Every spelling of one search has one address (`canonical_parameters`): the view redirects the others to it, so
that the page cache, which keys on the full address, keeps one entry per search rather than one per spelling.
"""

import functools
import html
import re
from urllib.parse import urlencode

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import BigIntegerField, BooleanField, F, Func, Value
from django.db.models.expressions import RawSQL
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .models import SEARCH_CONFIG, SEARCH_ONLY_FIELDS

MAX_QUERY_LENGTH = 200
MAX_TERMS = 10
RANKED_MATCHES = 1000
SNIPPET_WORDS = 30
# Markers PostgreSQL puts around matches; swapped for <mark> after the snippet is escaped.
MATCH_START, MATCH_END = "\x02", "\x03"
# SQLite's ranking: bm25 with the title weighing most, then the excerpt, then the body.
SQLITE_RANK = "bm25(10.0, 4.0, 1.0)"


class QueryTooLong(ValueError):
    pass


def clean_query(raw):
    """The query as a person meant it: control characters gone, spaces collapsed. Raises QueryTooLong."""
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in raw).split())
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryTooLong(text)
    return text


def normalise_query(raw):
    """One spelling for every way of typing the same search: clean, lower case, and each word once in
    alphabetical order where the order of the words cannot change what is found. Raises QueryTooLong.

    Both databases fold case. Every word must match on both, so order and repeats do not matter, except in
    PostgreSQL's web search syntax: a quoted phrase and `or` depend on their neighbours, and such queries keep
    their order. Queries of more than MAX_TERMS words keep it too: SQLite searches their first MAX_TERMS.
    """
    text = clean_query(raw).lower()
    words = text.split()
    if '"' in text or "or" in words or len(words) > MAX_TERMS:
        return text
    return " ".join(sorted(set(words)))


def canonical_parameters(params):
    """The query string of the one address of the search that `params` (request.GET) ask for, or None when
    the query is too long to search (its page says so, at the address it was asked at).

    Only `q` and `page` change what the page shows: other parameters are left out, and so is page 1.
    """
    try:
        query = normalise_query(params.get("q", ""))
    except QueryTooLong:
        return None
    if not query:
        return ""
    page = params.get("page", "")
    if page.isascii() and page.isdigit():
        page = page.lstrip("0") or "0"
    return urlencode([("q", query)] + ([("page", page)] if page not in ("", "1") else []))


class SearchResults:
    """What a search finds, shaped for a paginator: `count()` counts the ranked matches without ranking them, a
    slice is one query that ranks them in the database and returns only that slice (its LIMIT/OFFSET), and `more`
    says whether articles beyond the RANKED_MATCHES newest match too."""

    def __init__(self, count, ranked_page, more):
        self._count, self.ranked_page, self._more = count, ranked_page, more

    def count(self):
        return self._count()

    def __getitem__(self, page):
        return self.ranked_page(page)

    @cached_property
    def more(self):
        return self._more()


def search_articles(articles, query):
    """`articles` matching `query` as `SearchResults`, best first; each has a `snippet` once `with_snippets` ran."""
    if connection.vendor == "postgresql":
        return _full_text_search(articles, query)
    return _sqlite_search(articles, query)


def with_snippets(articles, query):
    """Give each article of a page of results its `snippet`."""
    terms = query.split()[:MAX_TERMS]
    for article in articles:
        headline = getattr(article, "headline", None)
        article.snippet = _marked(headline) if headline is not None else _highlight(article, terms)
    return articles


def _full_text_search(articles, query):
    """The stored, GIN-indexed `search_vector`. The ids of the newest matches are read first (one more than are
    ranked, to know whether there are more): given as a list, PostgreSQL looks the ranked rows up by id, where
    given as a subquery it read the whole table. Only their ids are sorted by rank (a top-N sort for the LIMIT):
    the page's rows alone are read whole, ranked again and given a headline."""
    search_query = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
    body_text = Func(F("body"), Value("<[^>]*>"), Value(" "), Value("g"), function="regexp_replace")
    newest_first = articles.filter(search_vector=search_query).order_by("-pk").values_list("pk", flat=True)

    @functools.cache
    def newest_ids():
        return list(newest_first[: RANKED_MATCHES + 1])

    order = ["-rank", "-published_at", "-pk"]

    def ranked_page(page):
        # One array parameter: Django prepares the values of `pk__in` one by one, a third of the page's time.
        ids = Value(newest_ids()[:RANKED_MATCHES], output_field=ArrayField(BigIntegerField()))
        among_newest = Func(
            F("pk"), ids, template="(%(expressions)s))", arg_joiner=" = ANY(", output_field=BooleanField()
        )
        ranked_ids = (
            articles.filter(among_newest)
            .annotate(rank=SearchRank(F("search_vector"), search_query))
            .order_by(*order)
            .values("pk")
        )
        return (
            articles.filter(pk__in=ranked_ids[page])
            .annotate(
                rank=SearchRank(F("search_vector"), search_query),
                headline=SearchHeadline(
                    body_text,
                    search_query,
                    config=SEARCH_CONFIG,
                    start_sel=MATCH_START,
                    stop_sel=MATCH_END,
                    max_words=SNIPPET_WORDS,
                    min_words=15,
                ),
            )
            .order_by(*order)
            # The headline stands for the body on the page: neither it nor what only the search reads travels.
            .defer("body", *SEARCH_ONLY_FIELDS)
        )

    return SearchResults(
        lambda: min(len(newest_ids()), RANKED_MATCHES), ranked_page, lambda: len(newest_ids()) > RANKED_MATCHES
    )


def _fts_rowids(match):
    """The ids of the articles SQLite's FTS5 index finds for the MATCH expression `match`, as a subquery."""
    return RawSQL("SELECT rowid FROM blog_article_fts WHERE blog_article_fts MATCH %s", (match,))


# The id of the RANKED_MATCHES-th newest match. FTS5 reads its matches newest first and stops there, and takes a
# lower bound of rowid into the match itself: asked for `rowid IN (the newest)` instead, it is a hundred times
# slower.
_SQLITE_NEWEST_FLOOR = (
    "coalesce((SELECT rowid FROM blog_article_fts WHERE blog_article_fts MATCH %s "
    "ORDER BY rowid DESC LIMIT 1 OFFSET %s), 0)"
)


def _sqlite_search(articles, query):
    """SQLite's FTS5 index (migration 0009): every word must appear; bm25 ranks title, then excerpt, then body."""
    terms = [term for term in query.split()[:MAX_TERMS] if any(ch.isalnum() for ch in term)]
    if not terms:
        return SearchResults(lambda: 0, lambda page: articles.none(), lambda: False)
    match = " ".join('"' + term.replace('"', '""') + '"' for term in terms)
    newest = RawSQL(  # noqa: S611 (constant SQL, every value a parameter)
        f"SELECT rowid FROM blog_article_fts WHERE blog_article_fts MATCH %s AND rowid >= {_SQLITE_NEWEST_FLOOR}",  # noqa: S608
        (match, match, RANKED_MATCHES - 1),
    )
    # Counted against the listing index, which holds the visibility filter's columns and the id: a unary plus
    # keeps SQLite from looking up each match's row by its id instead (a page read per match).
    unindexed_id = Func(F("pk"), template="+%(expressions)s", output_field=BigIntegerField())
    matching = articles.alias(fts_rowid=unindexed_id).filter(fts_rowid__in=newest)
    # Ordered by the index's own `rank` column alone, FTS5 hands its matches over best first, so SQLite reads
    # the rows of the page only; any other ORDER BY would make it read and sort every match.
    ranked = articles.extra(  # noqa: S610 (constant SQL, every value a parameter)
        tables=["blog_article_fts"],
        where=[
            "blog_article_fts.rowid = blog_article.id",
            "blog_article_fts MATCH %s",
            "blog_article_fts.rank MATCH %s",
            "blog_article_fts.rowid >= " + _SQLITE_NEWEST_FLOOR,
        ],
        params=[match, SQLITE_RANK, match, RANKED_MATCHES - 1],
        order_by=["blog_article_fts.rank"],
    )

    def more_matching():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM blog_article_fts WHERE blog_article_fts MATCH %s ORDER BY rowid DESC LIMIT 1 OFFSET %s",
                [match, RANKED_MATCHES],
            )
            return cursor.fetchone() is not None

    return SearchResults(matching.count, ranked.__getitem__, more_matching)


def _marked(headline):
    # The body is HTML: its entities become text first, then everything is escaped, then the markers are marks.
    text = escape(html.unescape(headline))
    return mark_safe(text.replace(MATCH_START, "<mark>").replace(MATCH_END, "</mark>"))  # noqa: S308


def _highlight(article, terms):
    text = article.body_text
    lowered = text.lower()
    positions = [lowered.find(term.lower()) for term in terms if term.lower() in lowered]
    start = max(0, min(positions) - 80) if positions else 0
    words = text[start:].split()[:SNIPPET_WORDS]
    snippet = ("… " if start else "") + " ".join(words) + ("…" if len(words) == SNIPPET_WORDS else "")
    if not terms:
        return escape(snippet)
    pattern = re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)
    pieces, last = [], 0
    for match in pattern.finditer(snippet):
        pieces += [escape(snippet[last : match.start()]), f"<mark>{escape(match.group())}</mark>"]
        last = match.end()
    pieces.append(escape(snippet[last:]))
    return mark_safe("".join(pieces))  # noqa: S308


# SQLite: an FTS5 index kept in step with blog_article by triggers. SQLite migrations that alter blog_article
# rebuild the table and lose its triggers, so they are checked after every migrate (blog/apps.py).
SQLITE_INDEX = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS blog_article_fts USING fts5("
    "title, excerpt, search_body, content='blog_article', content_rowid='id', tokenize='porter unicode61')",
    "CREATE TRIGGER IF NOT EXISTS blog_article_fts_insert AFTER INSERT ON blog_article BEGIN "
    "INSERT INTO blog_article_fts(rowid, title, excerpt, search_body) "
    "VALUES (new.id, new.title, new.excerpt, new.search_body); END",
    "CREATE TRIGGER IF NOT EXISTS blog_article_fts_delete AFTER DELETE ON blog_article BEGIN "
    "INSERT INTO blog_article_fts(blog_article_fts, rowid, title, excerpt, search_body) "
    "VALUES ('delete', old.id, old.title, old.excerpt, old.search_body); END",
    "CREATE TRIGGER IF NOT EXISTS blog_article_fts_update AFTER UPDATE ON blog_article BEGIN "
    "INSERT INTO blog_article_fts(blog_article_fts, rowid, title, excerpt, search_body) "
    "VALUES ('delete', old.id, old.title, old.excerpt, old.search_body); "
    "INSERT INTO blog_article_fts(rowid, title, excerpt, search_body) "
    "VALUES (new.id, new.title, new.excerpt, new.search_body); END",
]
SQLITE_TRIGGERS = {"blog_article_fts_insert", "blog_article_fts_delete", "blog_article_fts_update"}


def ensure_sqlite_index(connection):
    """Create the SQLite search index and its triggers where missing, and refill the index if any was."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'blog_article_fts_%'")
        present = {name for (name,) in cursor.fetchall()}
        if present == SQLITE_TRIGGERS:
            return
        for statement in SQLITE_INDEX:
            cursor.execute(statement)
        cursor.execute("INSERT INTO blog_article_fts(blog_article_fts) VALUES ('rebuild')")


def admin_search(articles, term):
    """`articles` with every word of `term`, whole or begun, by the full-text index: the admin's search and its
    article autocomplete (which sends what is typed so far), without reading every body."""
    words = re.findall(r"[^\W_]+", term)[:MAX_TERMS]
    if not words:
        return articles.none()
    if connection.vendor == "postgresql":
        prefixes = " & ".join(f"{word}:*" for word in words)
        return articles.filter(search_vector=SearchQuery(prefixes, search_type="raw", config=SEARCH_CONFIG))
    match = " ".join(f'"{word}"*' for word in words)
    matching = _fts_rowids(match)
    return articles.filter(pk__in=matching)
