"""How the admin's revision history shows what changed in an article or a page: as a reader would notice it."""

import dataclasses
import datetime

from django.contrib import messages
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator, capfirst
from simple_history.template_utils import HistoricalRecordContextHelper

from core.reading import BREAK, changed_words, formatting_changes, same_markup, side_by_side

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


class RevisionsAdminMixin:
    """SimpleHistoryAdmin mixin: the history list's status column says "Waiting for review", not "review"; and any
    two revisions are compared side by side (`history_compare_view`), the words changed in a rich text marked."""

    history_list_display = ["status"]
    object_history_list_template = "admin/history/object_history_list.html"
    # Fields whose text is compared word by word, as a reader reads it.
    rich_text_fields = ("body",)

    def status(self, record):
        return record.get_status_display()

    def get_urls(self):
        opts = self.model._meta
        compare = self.admin_site.admin_view(self.history_compare_view)
        name = f"{opts.app_label}_{opts.model_name}_history_compare"
        return [path("<path:object_id>/history/compare/", compare, name=name), *super().get_urls()]

    def history_compare_view(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        history_url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_history", args=[obj.pk])
        try:
            chosen = {int(request.GET["a"]), int(request.GET["b"])}
        except (KeyError, ValueError):
            chosen = set()
        revisions = list(obj.history.filter(history_id__in=chosen))
        if len(revisions) != 2:
            messages.warning(request, "Choose two different revisions to compare.")
            return redirect(history_url)
        older, newer = sorted(revisions, key=lambda revision: (revision.history_date, revision.history_id))
        only_changes = request.GET.get("only") == "changes"
        rows = [row for row in self.revision_rows(request, obj, older, newer) if row["changed"] or not only_changes]
        context = {
            **self.admin_site.each_context(request),
            "opts": obj._meta,
            "object": obj,
            "title": f"Compare two revisions of “{obj}”",
            "older": older,
            "newer": newer,
            "rows": rows,
            "only_changes": only_changes,
            "history_url": history_url,
        }
        return TemplateResponse(request, "admin/history/compare.html", context)

    def revision_rows(self, request, obj, older, newer):
        """Each field of the form that revisions keep, as (label, older, newer, changed)."""
        kept = {field.name for field in older._meta.concrete_fields}
        names = [name for name in flatten_fieldsets(self.get_fieldsets(request, obj)) if name in kept]
        rows = []
        for name in names:
            field = obj._meta.get_field(name)
            old, new = _shown_value(older, field), _shown_value(newer, field)
            changed = old != new
            if name in self.rich_text_fields:
                old, new = side_by_side(old, new)
            rows.append({"label": capfirst(field.verbose_name), "older": old, "newer": new, "changed": changed})
        return rows


def _shown_value(record, field):
    """A field of a revision as an editor reads it: choices by their label, a related object by its name."""
    if field.is_relation:
        related_id = getattr(record, field.attname)
        if related_id is None:
            return "—"
        try:
            return str(getattr(record, field.name))
        except ObjectDoesNotExist:
            return f"#{related_id} (deleted since)"
    value = getattr(record, field.attname)
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if value in (None, ""):
        return "—"
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "DATETIME_FORMAT")
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


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
