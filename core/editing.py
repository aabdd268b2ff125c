"""Editing without losing work, for any model edited in the admin.

Every change form carries the version of what it shows (a hash of the stored fields, many-to-many choices and
inline objects) and a signed copy of those values. A save based on an older version is refused: nothing is
written, the form comes back with everything the editor typed, the other person's changes are listed, the
fields only they changed take their new values and the fields both changed are marked. Saving again then
applies this editor's changes on top, knowingly.

While a change form is open, its page tells the server every HEARTBEAT_SECONDS (a small JSON endpoint), so
each editor sees who else has it open and since when, as WordPress's "X is currently editing this post".
"""

import copy
import dataclasses
import hashlib
import json
import re
import uuid

from django import forms
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import models
from django.forms.models import construct_instance
from django.http import Http404, JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import Truncator
from django.views.decorators.http import require_POST

from .reading import changed_words, formatting_changes, reader_text

HEARTBEAT_SECONDS = 15
# An editor whose page has not answered for this long has closed it (or lost the network).
PRESENCE_SECONDS = 3 * HEARTBEAT_SECONDS
SNAPSHOT_SALT = "core.editing.snapshot"
VERSION_FIELD, SNAPSHOT_FIELD = "_edit_version", "_edit_snapshot"
# What a rich-text editor made of a field's HTML when the form opened (its own spelling of the same content),
# sent by the change form's script: the baseline for "did this editor change the field".
LOADED_PREFIX = "_edit_loaded-"
SHOWN_CHARS = 300
_BETWEEN_TAGS = re.compile(r">\s+<")


def same_for_a_reader(old, new):
    """Whether two values of a field differ only in what nobody reads: spacing, or how the HTML is spelled."""
    if old == new:
        return True
    if "<" in old or "<" in new:
        return changed_words(old, new) == ("", "") and not formatting_changes(old, new)
    return old.split() == new.split()


def _field_text(field, obj):
    if isinstance(field, models.FileField):
        return getattr(obj, field.attname).name or ""
    if isinstance(field, models.DateTimeField) and getattr(obj, field.attname):
        # The form shows whole seconds: a save that drops microseconds changed nothing anyone saw.
        return getattr(obj, field.attname).replace(microsecond=0).isoformat()
    text = field.value_to_string(obj)
    return _spacing_ignored(text) if isinstance(field, models.TextField) else text


def _spacing_ignored(text):
    """`text` with the spacing of its HTML evened out: a rich-text editor rewrites it, and that is no change."""
    return _BETWEEN_TAGS.sub("><", " ".join(text.replace("&nbsp;", " ").replace("\xa0", " ").split()))


def object_state(obj, *, many_to_many=None, exclude=()):
    """{field name: comparable text} of what an editor can change on `obj`.

    `many_to_many` gives the chosen primary keys per field when they are not stored yet (a submitted form).
    """
    state = {}
    for field in obj._meta.concrete_fields:
        if field.editable and not field.primary_key and field.name not in exclude:
            state[field.name] = _field_text(field, obj)
    for field in obj._meta.many_to_many:
        if not field.editable:
            continue
        if many_to_many is not None and field.name in many_to_many:
            keys = many_to_many[field.name]
        else:
            keys = getattr(obj, field.name).values_list("pk", flat=True) if obj.pk else []
        state[field.name] = json.dumps(sorted(str(key) for key in keys))
    return state


def inline_state(objects, foreign_key):
    return json.dumps(sorted(json.dumps(object_state(obj, exclude={foreign_key}), sort_keys=True) for obj in objects))


def state_version(state):
    return hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()[:20]


def person_name(user):
    return user.get_full_name() or user.get_username()


@dataclasses.dataclass
class Change:
    label: str
    opened: str
    theirs: str
    yours: str = ""
    both: bool = False
    inline: str = ""  # an inline's accessor: its forms are compared as a whole


@dataclasses.dataclass
class EditConflict:
    """What happened between opening a form and saving it, for the page that refuses the save."""

    saved_by: str
    saved_at: object
    version: str
    snapshot: str
    changes: list


def _shown(field, text):
    """`text` of a field's state, shortened for a person to read."""
    if isinstance(field, models.DateTimeField) and text:
        moment = timezone.localtime(field.to_python(text)) if timezone.is_aware(field.to_python(text)) else None
        return date_format(moment, "DATETIME_FORMAT") if moment else text
    return Truncator(reader_text(text) if "<" in text else text).chars(SHOWN_CHARS) or "(empty)"


def _put(data, name, form_field, value):
    """Write `value` into submitted form `data` as `form_field`'s widget would have sent it."""
    widget = form_field.widget
    if isinstance(widget, forms.MultiWidget):
        for suffix, part in zip(widget.widgets_names, widget.decompress(value), strict=False):
            data[name + suffix] = "" if part is None else part
    elif isinstance(widget, forms.CheckboxInput):
        if value:
            data[name] = "on"
        else:
            data.pop(name, None)
    elif isinstance(widget, forms.SelectMultiple):
        data.setlist(name, [str(key) for key in value])
    elif not isinstance(widget, forms.FileInput):
        data[name] = "" if value is None else value


def _typed_inline(data, prefix):
    """What an editor typed into an inline's forms, one line per kept row, to read and copy."""
    rows = []
    for index in range(int(data.get(f"{prefix}-TOTAL_FORMS") or 0)):
        start = f"{prefix}-{index}-"
        if data.get(start + "DELETE"):
            continue
        values = [
            value
            for key, value in data.items()
            if key.startswith(start)
            and value
            and key[len(start) :] not in ("id", "DELETE", "position")
            and not key[len(start) :].endswith(("_id", "article"))
        ]
        if values:
            rows.append(" · ".join(values))
    return "\n".join(rows) or "(none)"


def noun(obj):
    """ "this article", or "the discussion settings" for a model named in the plural."""
    opts = obj._meta
    if opts.verbose_name == opts.verbose_name_plural:
        return f"the {opts.verbose_name}"
    return f"this {opts.verbose_name}"


def _form_value(obj, field):
    if isinstance(field, models.ManyToManyField):
        return list(getattr(obj, field.name).values_list("pk", flat=True))
    return getattr(obj, field.attname)


class EditConflictMixin:
    """For a ModelAdmin: refuse stale saves without losing anything, and show who else is editing."""

    def _state_key(self, obj):
        return f"{obj._meta.label_lower}:{obj.pk}"

    def _inline_accessors(self, request, obj):
        """(accessor, foreign key name, label) of each inline edited with the object."""
        found = []
        for inline in self.get_inline_instances(request, obj):
            for relation in obj._meta.related_objects:
                if relation.related_model is inline.model:
                    label = str(inline.verbose_name_plural or inline.model._meta.verbose_name_plural)
                    found.append((relation.get_accessor_name(), relation.field.name, label))
        return found

    def edit_state(self, request, obj):
        state = object_state(obj)
        for accessor, foreign_key, _label in self._inline_accessors(request, obj):
            state[accessor] = inline_state(getattr(obj, accessor).all(), foreign_key)
        return state

    def edit_session(self, request, obj, state=None):
        """What the change form carries: the version it shows and a signed copy of the values."""
        state = self.edit_state(request, obj) if state is None else state
        return state_version(state), signing.dumps(state, salt=SNAPSHOT_SALT, compress=True)

    # The version check

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        model_admin = self
        checks_version = obj is not None and obj.pk is not None

        class VersionCheckedForm(form_class):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                if self.is_bound:
                    restore_kept_uploads(self)

            def clean(self):
                cleaned_data = super().clean()
                submitted = self.data.get(VERSION_FIELD)
                # A preview stores nothing, so it may show a stale form's content.
                if checks_version and submitted and not getattr(request, "previewing_changes", False):
                    model_admin.check_version(request, self, submitted)
                return cleaned_data

        VersionCheckedForm.__name__ = form_class.__name__
        return VersionCheckedForm

    def check_version(self, request, form, submitted):
        stored = type(form.instance)._default_manager.select_for_update().filter(pk=form.instance.pk).first()
        if stored is None:
            return
        now = self.edit_state(request, stored)
        if state_version(now) == submitted:
            return
        try:
            opened = signing.loads(form.data.get(SNAPSHOT_FIELD, ""), salt=SNAPSHOT_SALT)
        except signing.BadSignature:
            opened = {}
        saved_by, saved_at = self._saver(stored)
        mine = self._submitted_state(form, stored)
        inlines = {accessor: label for accessor, _fk, label in self._inline_accessors(request, stored)}
        form.data = form.data.copy()
        changes = []
        for name, their_text in now.items():
            if name in inlines:
                if opened.get(name) != their_text:
                    yours = getattr(request, "_edit_inlines_yours", {}).get(name)
                    changes.append(
                        Change(label=inlines[name].capitalize(), opened="", theirs="", inline=name, yours=yours or "")
                    )
                continue
            if same_for_a_reader(opened.get(name, ""), their_text):
                continue
            field = stored._meta.get_field(name)
            loaded = form.data.get(LOADED_PREFIX + name)
            baseline = opened.get(name, "") if loaded is None else _spacing_ignored(loaded)
            changed_here = name in mine and not same_for_a_reader(baseline, mine[name])
            both = changed_here and not same_for_a_reader(their_text, mine[name])
            change = Change(
                label=str(field.verbose_name).capitalize(),
                opened=_shown(field, opened.get(name, "")),
                theirs=_shown(field, their_text),
                yours=_shown(field, mine[name]) if both else "",
                both=both,
            )
            if len(their_text) > SHOWN_CHARS or "<" in their_text:
                removed, added = changed_words(opened.get(name, ""), their_text)
                change.opened, change.theirs = removed or "—", added or "—"
            changes.append(change)
            if both:
                form.add_error(name, f"{saved_by} changed this too; their version is listed at the top of the page.")
            elif name in mine and not changed_here:
                _put(form.data, name, form.fields[name], _form_value(stored, field))
        if not changes:
            return  # what changed since is only how the text is spelled: nothing of theirs can be lost
        version, snapshot = self.edit_session(request, stored, now)
        form.edit_conflict = request._edit_conflict = EditConflict(
            saved_by=saved_by, saved_at=saved_at, version=version, snapshot=snapshot, changes=changes
        )
        raise ValidationError(
            f"{saved_by} saved {noun(stored)} after you opened it, so nothing of yours was saved. "
            "What you typed is still in the form. Fields only they changed now show their version, fields you both "
            "changed are marked. Save again to apply yours on top.",
            code="edit_conflict",
        )

    def _submitted_state(self, form, stored):
        """The state the submitted form would store (only the fields the form has)."""
        submitted = construct_instance(form, copy.copy(stored))
        many_to_many = {
            field.name: [item.pk for item in form.cleaned_data[field.name]]
            for field in stored._meta.many_to_many
            if field.name in form.cleaned_data
        }
        state = object_state(submitted, many_to_many=many_to_many)
        return {name: text for name, text in state.items() if name in form.cleaned_data}

    def get_formset_kwargs(self, request, obj, inline, prefix):
        """On a stale save, an inline the other person changed shows their version.

        When this editor changed it too, what they typed is listed beside the conflict to copy: merging two sets
        of inline forms row by row could resurrect or duplicate rows. Formsets are built before the form is
        validated, so this compares the inline itself rather than waiting for the version check.
        """
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if "data" not in kwargs or not kwargs["data"].get(VERSION_FIELD) or obj.pk is None:
            return kwargs
        try:
            opened = signing.loads(kwargs["data"].get(SNAPSHOT_FIELD, ""), salt=SNAPSHOT_SALT)
        except signing.BadSignature:
            return kwargs
        accessors = {name: foreign_key for name, foreign_key, _label in self._inline_accessors(request, obj)}
        if prefix not in accessors or prefix not in opened:
            return kwargs
        if inline_state(getattr(obj, prefix).all(), accessors[prefix]) == opened[prefix]:
            return kwargs
        if self._inline_edited(request, obj, inline, kwargs, opened[prefix]):
            request._edit_inlines_yours = {
                **getattr(request, "_edit_inlines_yours", {}),
                prefix: _typed_inline(kwargs["data"], prefix),
            }
        return {key: value for key, value in kwargs.items() if key not in ("data", "files")}

    def _inline_edited(self, request, obj, inline, kwargs, opened):
        """Whether the submitted inline forms differ from what the editor opened."""
        formset = inline.get_formset(request, obj)(**kwargs)
        if not formset.is_valid():
            return True
        kept = [
            construct_instance(item, copy.copy(item.instance))
            for item in formset.forms
            if item.cleaned_data and not item.cleaned_data.get("DELETE")
        ]
        return inline_state(kept, formset.fk.name) != opened

    def _saver(self, obj):
        saved = cache.get(f"edit:saved:{self._state_key(obj)}") or {}
        return saved.get("name", "Someone else"), saved.get("at")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if getattr(request, "previewing_changes", False):
            return
        for token in getattr(form, "kept_uploads", {}).values():
            default_storage.delete(signing.loads(token, salt=KEPT_SALT)["path"])
        record = {"name": person_name(request.user), "at": timezone.now()}
        cache.set(f"edit:saved:{self._state_key(obj)}", record, 30 * 24 * 3600)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        conflict = getattr(request, "_edit_conflict", None)
        editing = {"storage_key": f"draft:{request.user.pk}:{request.path}", "conflict": conflict}
        if request.method == "POST":
            editing["kept_uploads"] = keep_uploads(context["adminform"].form)
        if obj is not None and obj.pk is not None and change:
            if conflict:
                version, snapshot = conflict.version, conflict.snapshot
            elif request.method == "POST" and request.POST.get(VERSION_FIELD):
                # Refused for another reason: the form still rests on the version it was opened at.
                version, snapshot = request.POST[VERSION_FIELD], request.POST.get(SNAPSHOT_FIELD, "")
            else:
                version, snapshot = self.edit_session(request, obj)
            if request.method == "GET":
                presence_touch(self._state_key(obj), request.user)
            editing.update(
                version=version,
                snapshot=snapshot,
                others=presence_others(self._state_key(obj), request.user),
                heartbeat_url=self._editing_url(obj),
                heartbeat_seconds=HEARTBEAT_SECONDS,
                noun=noun(obj),
            )
        context["editing"] = editing
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    # Who else is editing

    def _editing_url(self, obj):
        opts = self.model._meta
        return reverse(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_editing", args=[obj.pk])

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/editing/",
                self.admin_site.admin_view(self.editing_view),
                name=f"{opts.app_label}_{opts.model_name}_editing",
            ),
            *super().get_urls(),
        ]

    def editing_view(self, request, object_id):
        return require_POST(self._editing_view)(request, object_id)

    def _editing_view(self, request, object_id):
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404("Nothing to edit here.")
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        key = self._state_key(obj)
        if request.POST.get("leave"):
            presence_leave(key, request.user)
            return JsonResponse({"others": []})
        presence_touch(key, request.user)
        version = state_version(self.edit_state(request, obj))
        saved_by, saved_at = self._saver(obj)
        newer = None
        if request.POST.get("version") and request.POST["version"] != version:
            newer = {
                "name": saved_by,
                "at": date_format(timezone.localtime(saved_at), "TIME_FORMAT") if saved_at else "",
            }
        return JsonResponse({"others": presence_others(key, request.user), "newer": newer})


KEPT_PREFIX, KEPT_SALT, KEPT_SECONDS = "_kept-", "core.editing.kept-upload", 24 * 3600


def keep_uploads(form):
    """Keep the files chosen in a form that was not saved, so the editor need not choose them again.

    The browser forgets a chosen file when the form comes back with errors. Each valid upload is stored under
    kept/ with a random name and the form carries a signed token for it (rendered by the change form).
    """
    kept = dict(getattr(form, "kept_uploads", {}))
    for name, upload in form.files.items():
        field = form.fields.get(name)
        if not isinstance(upload, UploadedFile) or not isinstance(field, forms.FileField) or name in form.errors:
            continue
        if name not in kept:
            path = default_storage.save(f"kept/{uuid.uuid4().hex}", upload)
            kept[name] = signing.dumps({"path": path, "name": upload.name, "type": upload.content_type}, salt=KEPT_SALT)
    for name, token in kept.items():
        original = signing.loads(token, salt=KEPT_SALT)["name"]
        help_text = format_html(
            "{} <strong>Kept from your last try: {}.</strong> It is saved with the form unless you choose another.",
            form.fields[name].help_text,
            original,
        )
        form.fields[name].help_text = form[name].help_text = help_text
    return kept


def restore_kept_uploads(form):
    """Give a bound form back the files `keep_uploads` kept for it, where no new file was chosen."""
    form.kept_uploads = {}
    for name, field in form.fields.items():
        token = form.data.get(KEPT_PREFIX + name)
        chosen_again = form.files.get(name) or form.data.get(f"{name}-clear")
        if not token or not isinstance(field, forms.FileField) or chosen_again:
            continue
        try:
            kept = signing.loads(token, salt=KEPT_SALT, max_age=KEPT_SECONDS)
        except signing.BadSignature:
            continue
        if not default_storage.exists(kept["path"]):
            continue
        with default_storage.open(kept["path"]) as stored:
            content = stored.read()
        form.files = form.files.copy()
        form.files[name] = SimpleUploadedFile(kept["name"], content, kept["type"])
        form.kept_uploads[name] = token


def _presence_key(key):
    return f"edit:presence:{key}"


def presence_touch(key, user):
    """Record that `user` has the form of `key` open now."""
    now = timezone.now()
    editors = _live(cache.get(_presence_key(key)) or {}, now)
    entry = editors.get(str(user.pk)) or {"since": now}
    editors[str(user.pk)] = {"name": person_name(user), "since": entry["since"], "seen": now}
    cache.set(_presence_key(key), editors, PRESENCE_SECONDS * 4)


def presence_leave(key, user):
    editors = cache.get(_presence_key(key)) or {}
    editors.pop(str(user.pk), None)
    cache.set(_presence_key(key), editors, PRESENCE_SECONDS * 4)


def presence_others(key, user):
    """The other people who have the form of `key` open, the longest-present first, with since when."""
    editors = _live(cache.get(_presence_key(key)) or {}, timezone.now())
    others = [entry for user_id, entry in editors.items() if user_id != str(user.pk)]
    return [
        {"name": entry["name"], "since": date_format(timezone.localtime(entry["since"]), "TIME_FORMAT")}
        for entry in sorted(others, key=lambda entry: entry["since"])
    ]


def _live(editors, now):
    return {
        user_id: entry
        for user_id, entry in editors.items()
        if (now - entry["seen"]).total_seconds() <= PRESENCE_SECONDS
    }
