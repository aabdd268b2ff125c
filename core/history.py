"""How the admin's revision history shows what changed in an article or a page: as a reader would notice it."""

import dataclasses
import datetime

from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from simple_history.template_utils import HistoricalRecordContextHelper

from core.reading import BREAK, changed_words, formatting_changes, same_markup

SHOWN_CHARS = 300


def _shown_minute(value):
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(second=0, microsecond=0)
    return value


def is_real_change(change):
    """Whether a reader or an editor would see a difference: not spaces, entities, or seconds never shown."""
    old, new = change.old, change.new
    if change.field == "body":
        return not same_markup(old, new)
    if isinstance(old, datetime.datetime) and isinstance(new, datetime.datetime):
        return _shown_minute(old) != _shown_minute(new)
    if isinstance(old, str) and isinstance(new, str):
        return old.split() != new.split()
    return True


def _shown(text):
    return mark_safe(escape(Truncator(text or "—").chars(SHOWN_CHARS)).replace(BREAK, "<br>"))  # noqa: S308


class StatusHistoryMixin:
    """SimpleHistoryAdmin mixin: the history list's status column says "Waiting for review", not "review"."""

    history_list_display = ["status"]

    def status(self, record):
        return record.get_status_display()


class ReaderHistoryHelper(HistoricalRecordContextHelper):
    """Show what a reader would notice: the words that changed in the body, and only changes that are changes."""

    def context_for_delta_changes(self, delta):
        changes = [change for change in delta.changes if is_real_change(change)]
        real = dataclasses.replace(delta, changes=changes, changed_fields=[change.field for change in changes])
        return super().context_for_delta_changes(real)

    def prepare_delta_change_value(self, change, value):
        """A choice as its label ("Waiting for review"), not its stored value."""
        choices = dict(self.model._meta.get_field(change.field).flatchoices)
        return choices.get(value, value) if choices else super().prepare_delta_change_value(change, value)

    def format_delta_change(self, change):
        if change.field != "body":
            return super().format_delta_change(change)
        removed, added = changed_words(change.old, change.new)
        if not (removed or added):
            formatting = ", ".join(formatting_changes(change.old, change.new)) or "layout changed"
            return dataclasses.replace(
                change, field="Body", old=_shown("Same words"), new=_shown(f"Formatting only: {formatting}")
            )
        return dataclasses.replace(change, field="Body", old=_shown(removed), new=_shown(added))
