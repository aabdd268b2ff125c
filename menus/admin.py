from django.contrib import admin
from django.db.models import Count
from django.forms.models import BaseInlineFormSet

from core.editing import EditConflictMixin

from .models import Menu, MenuItem


class MenuItemFormSet(BaseInlineFormSet):
    """Menus nest one level in what is submitted too: two items may not become each other's parent in one save
    (MenuItem.clean sees only what is stored)."""

    def clean(self):
        super().clean()
        kept = [form for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]
        parent_of = {form.instance.pk: form.cleaned_data.get("parent") for form in kept if form.instance.pk}
        for form in kept:
            parent = form.cleaned_data.get("parent")
            if parent is None:
                continue
            if parent_of.get(parent.pk) is not None:
                form.add_error("parent", "Menus nest one level: this item's parent sits under another item.")
            elif form.instance.pk and form.instance.pk in {p.pk for p in parent_of.values() if p is not None}:
                form.add_error("parent", "Items sit under this one: it stays at the top of the menu.")


class MenuItemInline(admin.StackedInline):
    """Each item a block of three lines rather than a table row: eight columns of choices scroll sideways."""

    model = MenuItem
    formset = MenuItemFormSet
    extra = 1
    fields = [("order", "kind", "parent"), ("page", "category", "article"), ("address", "label")]
    autocomplete_fields = ["page", "category", "article"]
    verbose_name = "item"
    verbose_name_plural = "items (an item whose page or article is not published yet is left out until it is)"

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        parent = formset.form.base_fields.get("parent")
        if parent is not None:
            # Items of this menu at its top: menus nest one level (MenuItem.clean says so for anything else).
            parent.queryset = MenuItem.objects.filter(menu=obj, parent=None) if obj else MenuItem.objects.none()
        return formset

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is None or obj.location == Menu.Location.HEADER:
            return fields
        # Only the header has dropdowns.
        return [tuple(field for field in line if field != "parent") for line in fields]


@admin.register(Menu)
class MenuAdmin(EditConflictMixin, admin.ModelAdmin):
    """The two menus of the site; their items are edited in place, two editors at once without losing either's
    work (core.editing: the items are part of the menu's version)."""

    inlines = [MenuItemInline]
    list_display = ["__str__", "item_count"]
    readonly_fields = ["location"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(item_total=Count("items"))

    @admin.display(description="items")
    def item_count(self, menu):
        return menu.item_total

    def changelist_view(self, request, extra_context=None):
        for location in Menu.Location.values:
            Menu.at(location)
        return super().changelist_view(request, extra_context)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
