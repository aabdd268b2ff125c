"""How the admin's revision history shows what changed in an article."""

import dataclasses
from difflib import SequenceMatcher

from django.utils.html import escape, strip_tags
from django.utils.text import Truncator
from simple_history.template_utils import HistoricalRecordContextHelper

SHOWN_CHARS = 300


def changed_words(old_html, new_html):
    """The words removed from and added to a text between two versions, each run separated by " … "."""
    old_words, new_words = strip_tags(old_html or "").split(), strip_tags(new_html or "").split()
    removed, added = [], []
    for operation, i1, i2, j1, j2 in SequenceMatcher(a=old_words, b=new_words, autojunk=False).get_opcodes():
        if operation in ("replace", "delete"):
            removed.append(" ".join(old_words[i1:i2]))
        if operation in ("replace", "insert"):
            added.append(" ".join(new_words[j1:j2]))
    return " … ".join(removed), " … ".join(added)


class ArticleHistoryHelper(HistoricalRecordContextHelper):
    """Show the words that changed in the body instead of two truncated copies of its HTML."""

    def format_delta_change(self, change):
        if change.field != "body":
            return super().format_delta_change(change)
        removed, added = changed_words(change.old, change.new)
        if not (removed or added):
            removed = added = "(formatting only)"
        return dataclasses.replace(
            change,
            field="Body",
            old=escape(Truncator(removed or "—").chars(SHOWN_CHARS)),
            new=escape(Truncator(added or "—").chars(SHOWN_CHARS)),
        )
