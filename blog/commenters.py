"""What a commenter's browser keeps: their name, email and website when they ask to be remembered, and the ids
of their comments still awaiting moderation (shown to them in place). Signed JSON cookies, HttpOnly, SameSite=Lax.

A reader sending either cookie gets their own page, never one from the page cache (registered in apps.py).
"""

import json

from django.core import signing

COMMENT_AUTHOR_COOKIE = "comment_author"
PENDING_COMMENTS_COOKIE = "comment_pending"
COOKIES = (COMMENT_AUTHOR_COOKIE, PENDING_COMMENTS_COOKIE)
COOKIE_SALT = "blog.comments"
ONE_YEAR = 365 * 24 * 3600
THIRTY_DAYS = 30 * 24 * 3600
AUTHOR_FIELDS = ("name", "email", "url")
PENDING_KEPT = 50


def _read_cookie(request, name, *, default):
    """A signed JSON cookie's value, or `default` when it is missing, forged or not of `default`'s type."""
    try:
        value = json.loads(request.get_signed_cookie(name, salt=COOKIE_SALT))
    except (KeyError, signing.BadSignature, ValueError):
        return default
    return value if isinstance(value, type(default)) else default


def _write_cookie(response, name, value, *, max_age, secure):
    response.set_signed_cookie(
        name, json.dumps(value), salt=COOKIE_SALT, max_age=max_age, httponly=True, samesite="Lax", secure=secure
    )


def remembered_author(request):
    """The name, email and website the commenter asked to be remembered by (only the ones that are text)."""
    remembered = _read_cookie(request, COMMENT_AUTHOR_COOKIE, default={})
    return {key: remembered[key] for key in AUTHOR_FIELDS if isinstance(remembered.get(key), str)}


def own_pending_comment_ids(request):
    return [pk for pk in _read_cookie(request, PENDING_COMMENTS_COOKIE, default=[]) if isinstance(pk, int)]


def commenter_remember(request, response, *, author, held_comment=None):
    """After a comment: remember `author` (a dict of AUTHOR_FIELDS) for a year, or forget them when it is None;
    add `held_comment`, when it awaits moderation, to the commenter's own pending comments for thirty days."""
    secure = request.is_secure()
    if author is not None:
        author = {key: author[key] for key in AUTHOR_FIELDS}
        _write_cookie(response, COMMENT_AUTHOR_COOKIE, author, max_age=ONE_YEAR, secure=secure)
    else:
        response.delete_cookie(COMMENT_AUTHOR_COOKIE, samesite="Lax")
    if held_comment is not None:
        own = [held_comment.pk, *own_pending_comment_ids(request)][:PENDING_KEPT]
        _write_cookie(response, PENDING_COMMENTS_COOKIE, own, max_age=THIRTY_DAYS, secure=secure)
