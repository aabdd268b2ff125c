import copy
import datetime

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import get_select2_language
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404, HttpResponseNotAllowed, QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .editing import EditConflictMixin

# Django 6 reads a typed address without a scheme as https; do so now, without the deprecation warning.
HTTPS_URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class SingletonModelAdmin(EditConflictMixin, admin.ModelAdmin):
    """One settings page: the list goes straight to it, and it can be neither added nor deleted."""

    formfield_overrides = HTTPS_URL_FIELDS

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        opts = self.model._meta
        return redirect(f"admin:{opts.app_label}_{opts.model_name}_change", self.model.load().pk)


class AutocompleteFilter(admin.RelatedFieldListFilter):
    """A filter by a related object chosen by typing, for relations with too many objects to list.

    Django's related filter lists every object as a link (every commented article, on the comment list). This one
    puts only the chosen object in the page and a search box beside it that asks the admin's own autocomplete
    view (the related admin's `search_fields` and `get_queryset()`, its view permission) as one types; choosing
    opens the list filtered by it, the other filters kept (static/js/admin-list-filters.js). "Show counts" counts
    the chosen object only. The admin using it needs `AutocompleteFilterMedia`.
    """

    template = "admin/autocomplete_filter.html"

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        # What the autocomplete view is asked about: the relation itself, on the model that declares it.
        self.source_app_label = field.model._meta.app_label
        self.source_model_name = field.model._meta.model_name
        self.source_field_name = field.name
        self.autocomplete_url = reverse(f"{model_admin.admin_site.name}:autocomplete")
        # The autocomplete view answers only those who may view the related objects; others get no filter.
        site = model_admin.admin_site
        self.searchable = site.is_registered(field.related_model) and site.get_model_admin(
            field.related_model
        ).has_view_permission(request)

    def field_choices(self, field, request, model_admin):
        chosen = [value for value in self.lookup_val or () if value]
        if not chosen:
            return []
        try:
            objects = list(field.related_model._default_manager.filter(pk__in=chosen))
        except (ValueError, ValidationError):
            return []  # the changelist itself refuses the value
        return [(obj.pk, str(obj)) for obj in objects]

    def has_output(self):
        return self.searchable


class AutocompleteFilterMedia:
    """ModelAdmin mixin: the scripts `AutocompleteFilter` needs on the list (Django's select2 and autocomplete)."""

    @property
    def media(self):
        minified = "" if settings.DEBUG else ".min"
        language = get_select2_language()
        return super().media + forms.Media(
            js=[
                f"admin/js/vendor/jquery/jquery{minified}.js",
                f"admin/js/vendor/select2/select2.full{minified}.js",
                *([f"admin/js/vendor/select2/i18n/{language}.js"] if language else []),
                "admin/js/jquery.init.js",
                "admin/js/autocomplete.js",
                "js/admin-list-filters.js",
            ],
            css={"screen": [f"admin/css/vendor/select2/select2{minified}.css", "admin/css/autocomplete.css"]},
        )


class YearMonthListFilter(admin.DateFieldListFilter):
    """Dates by year, newest first, and the months of the year chosen: a date hierarchy on indexed ranges.

    Django's `date_hierarchy` finds the years and months to offer with a DISTINCT over every row of the list
    (417 ms for 100,000 comments on SQLite). Here the first and last dates come from the field's index, one query
    each, every year between is offered, and choosing one filters by a `__gte`/`__lt` range, as Django's own
    date filter does.
    """

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        dated = model_admin.get_queryset(request).filter(**{f"{field_path}__isnull": False})
        first = dated.order_by(field_path).values_list(field_path, flat=True).first()
        last = dated.order_by(f"-{field_path}").values_list(field_path, flat=True).first()
        links = [(_("Any date"), {})]
        if first is not None:
            first, last = self._local_date(first), self._local_date(last)
            chosen = self.date_params.get(self.lookup_kwarg_since, "")[:4]
            for year in range(last.year, first.year - 1, -1):
                links.append((str(year), self._range(year, 1, year + 1, 1)))
                if chosen == str(year):
                    start = first.month if year == first.year else 1
                    end = last.month if year == last.year else 12
                    links += [
                        (date_format(datetime.date(year, month, 1), "YEAR_MONTH_FORMAT"),
                         self._range(year, month, year + month // 12, month % 12 + 1))
                        for month in range(end, start - 1, -1)
                    ]  # fmt: skip
        if field.null:
            links += [(_("No date"), {self.lookup_kwarg_isnull: True})]
            links += [(_("Has date"), {self.lookup_kwarg_isnull: False})]
        self.links = tuple(links)

    def _local_date(self, value):
        if isinstance(value, datetime.datetime):
            return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
        return value

    def _range(self, year, month, until_year, until_month):
        since, until = datetime.date(year, month, 1), datetime.date(until_year, until_month, 1)
        if isinstance(self.field, models.DateTimeField):
            # Midnight where the editor is, as Django's own date filter counts "Today".
            since, until = (
                timezone.make_aware(datetime.datetime.combine(day, datetime.time())) for day in (since, until)
            )
        return {self.lookup_kwarg_since: since, self.lookup_kwarg_until: until}


class PreviewChangesMixin:
    """ "Preview changes" on a change form: its unsaved content as readers would see it; nothing is kept.

    The form is validated and saved as by "Save", inside a transaction that is rolled back once the page is drawn,
    so the preview shows exactly what saving would publish (inlines and many-to-many choices included). The
    admin names its readers' preview view as `preview_view` (a class-based view with an `unsaved` flag, given the
    object's `pk`); the form's "Preview changes" button posts to `<app>_<model>_preview_add` / `_preview_changes`.
    """

    preview_view = None

    def preview_unsaved(self, request, obj):
        """The preview of `obj` as a reader's GET, rendered at once while the unsaved state is still visible."""
        reading = copy.copy(request)
        reading.method, reading.GET = "GET", QueryDict()
        return self.preview_view.as_view(unsaved=True)(reading, pk=obj.pk).render()

    def _admin_name(self):
        return f"{self.model._meta.app_label}_{self.model._meta.model_name}"

    def get_urls(self):
        preview = self.admin_site.admin_view(self.preview_changes_view)
        return [
            path("add/preview/", preview, name=f"{self._admin_name()}_preview_add"),
            path("<path:object_id>/preview/", preview, name=f"{self._admin_name()}_preview_changes"),
            *super().get_urls(),
        ]

    def preview_changes_view(self, request, object_id=None):
        if request.method != "POST":
            if object_id:
                return redirect(f"admin:{self._admin_name()}_change", object_id)
            return redirect(f"admin:{self._admin_name()}_add")
        request.previewing_changes = True
        with transaction.atomic():
            response = self.changeform_view(request, object_id)
            if hasattr(response, "render"):
                response.render()
            transaction.set_rollback(True)
        return response

    def response_add(self, request, obj, post_url_continue=None):
        if getattr(request, "previewing_changes", False):
            return self.preview_unsaved(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if getattr(request, "previewing_changes", False):
            return self.preview_unsaved(request, obj)
        return super().response_change(request, obj)


class TrashFilter(admin.SimpleListFilter):
    """The list leaves out the Trash; "In the Trash" lists it (restore, or delete for good)."""

    title = "Trash"
    parameter_name = "trash"
    IN = "in"

    def lookups(self, request, model_admin):
        return [(self.IN, "In the Trash")]

    def choices(self, changelist):
        for choice in super().choices(changelist):
            if choice["display"] == "All":
                choice["display"] = "Not in the Trash"
            yield choice

    def queryset(self, request, queryset):
        return queryset.in_trash() if self.value() == self.IN else queryset.out_of_trash()


class TrashAdminMixin:
    """Deleting moves to the Trash (core/trash.py), as in WordPress, for an admin of a `Trashable` model.

    "Delete" asks "Move to the Trash?" and moves the object there; the list leaves the Trash out and links to it
    ("Trash (n)"), where the objects are restored, or deleted for good by those `can_empty_trash()` says may (with
    Django's own confirmation, which lists what goes with them). An object in the Trash is read, not changed, and
    its page has a "Restore from the Trash" button. Who may trash and restore is who may delete (`may_trash()`).

    The admin says what the model's services do: `trash_object(obj)` moves it (and returns a message about what
    else moved, or None), `restore_object(obj)` brings it back (a message when it could not come back as it was,
    else None), `trash_notes(obj)` tells the confirmation page what happens to it and what is kept.
    """

    actions = ["move_to_trash", "restore_from_trash"]
    change_list_template = "admin/trash_change_list.html"

    def trash_object(self, obj):
        raise NotImplementedError

    def restore_object(self, obj):
        raise NotImplementedError

    def trash_notes(self, obj):
        return []

    def can_empty_trash(self, user):
        raise NotImplementedError

    def may_trash(self, request, obj):
        """Who may move an object to the Trash, and restore it: those who may delete it."""
        return super().has_delete_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        # An object in the Trash is read, and restored; not edited.
        return super().has_change_permission(request, obj) and (obj is None or not obj.is_trashed)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_trashed:
            return self.can_empty_trash(request.user)
        return self.may_trash(request, obj)

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), TrashFilter]

    def get_urls(self):
        opts = self.model._meta
        restore = self.admin_site.admin_view(self.restore_view)
        return [
            path("<path:object_id>/restore/", restore, name=f"{opts.app_label}_{opts.model_name}_restore"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        in_trash = self.get_queryset(request).in_trash().count()
        return super().changelist_view(request, {"in_trash": in_trash, **(extra_context or {})})

    def get_actions(self, request):
        """Out of the Trash: move to it. In it: restore, and (for those who may empty it) delete for good."""
        actions = super().get_actions(request)
        delete = actions.pop("delete_selected", None)
        if request.GET.get(TrashFilter.parameter_name) == TrashFilter.IN:
            actions.pop("move_to_trash", None)
            if delete and self.can_empty_trash(request.user):
                plural = self.model._meta.verbose_name_plural
                actions["delete_selected"] = (delete[0], delete[1], f"Delete selected {plural} permanently")
        else:
            actions.pop("restore_from_trash", None)
        return actions

    def _count(self, number):
        opts = self.model._meta
        return f"{number} {opts.verbose_name if number == 1 else opts.verbose_name_plural}"

    @admin.action(description="Move selected %(verbose_name_plural)s to the Trash", permissions=["delete"])
    def move_to_trash(self, request, queryset):
        objects = [obj for obj in queryset.out_of_trash() if self.may_trash(request, obj)]
        for obj in objects:
            note = self.trash_object(obj)
            if note:
                self.message_user(request, note, messages.WARNING)
        days = settings.TRASH_DAYS
        self.message_user(request, f"{self._count(len(objects))} moved to the Trash; restorable for {days} days.")

    @admin.action(description="Restore selected %(verbose_name_plural)s", permissions=["delete"])
    def restore_from_trash(self, request, queryset):
        objects = [obj for obj in queryset.in_trash() if self.may_trash(request, obj)]
        for obj in objects:
            problem = self.restore_object(obj)
            if problem:
                self.message_user(request, problem, messages.WARNING)
        self.message_user(request, f"{self._count(len(objects))} restored.")

    def delete_view(self, request, object_id, extra_context=None):
        """An object is moved to the Trash; one in the Trash is deleted for good (Django's own page)."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None or obj.is_trashed or not self.may_trash(request, obj):
            return super().delete_view(request, object_id, extra_context)
        opts = self.model._meta
        if request.method == "POST":
            note = self.trash_object(obj)
            if note:
                self.message_user(request, note, messages.WARNING)
            self.message_user(
                request,
                f"“{obj}” is in the Trash and off the site; restore it from the Trash within "
                f"{settings.TRASH_DAYS} days, or it is deleted for good.",
            )
            return redirect(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": opts,
            "title": "Move to the Trash?",
            "object": obj,
            "trash_days": settings.TRASH_DAYS,
            "notes": self.trash_notes(obj),
        }
        return TemplateResponse(request, "admin/trash_confirmation.html", context)

    def restore_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not obj.is_trashed:
            raise Http404
        if not self.may_trash(request, obj):
            raise PermissionDenied
        problem = self.restore_object(obj)
        if problem:
            self.message_user(request, problem, messages.WARNING)
        else:
            self.message_user(request, f"“{obj}” is restored, as it was.")
        opts = self.model._meta
        return redirect(f"admin:{opts.app_label}_{opts.model_name}_change", obj.pk)

    def trash_read_only_reason(self, obj):
        when = date_format(timezone.localtime(obj.purged_at), "DATE_FORMAT")
        noun = self.model._meta.verbose_name
        return f"This {noun} is in the Trash: restore it to change it. Otherwise it is deleted for good on {when}."

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        trashed = obj is not None and obj.is_trashed
        if trashed:
            context["read_only_reason"] = self.trash_read_only_reason(obj)
        context["may_restore"] = trashed and self.may_trash(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)
