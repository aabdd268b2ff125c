"""Taking an image field's picture from the media library: a form field with a "Choose from the library" button."""

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from .models import MediaItem


class LibraryPickerWidget(forms.Widget):
    """The chosen item's number in a hidden input, its thumbnail, and a button opening the library dialog.

    The button comes with the script (static/library/picker.js): without it the image is uploaded as before.
    """

    template_name = "library/library_picker_widget.html"

    class Media:
        css = {"all": ["library/picker.css"]}
        js = ["library/picker.js"]

    def __init__(self, *, image_field, alt_field, attrs=None):
        super().__init__(attrs)
        self.image_field, self.alt_field = image_field, alt_field

    def id_for_label(self, id_):
        # The label names the field; the hidden number is no control a label could point at.
        return ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = None
        if value not in (None, ""):
            chosen = MediaItem.objects.filter(pk=value).first() if str(value).isdigit() else None
        context["widget"].update(
            chosen=chosen,
            picker_url=reverse("library:picker"),
            image_field=self.image_field,
            alt_field=self.alt_field,
        )
        return context


class LibraryImageField(forms.ModelChoiceField):
    def __init__(self, *, image_field, alt_field, **kwargs):
        kwargs.setdefault("label", "Or choose from the library")
        kwargs.setdefault(
            "help_text",
            "An image already uploaded: its alt text fills the alt text field when that is empty (you can change "
            "it for this place).",
        )
        super().__init__(
            queryset=MediaItem.objects.none(),
            required=False,
            widget=LibraryPickerWidget(image_field=image_field, alt_field=alt_field),
            error_messages={"invalid_choice": "That library image is not available (deleted, or not yours to use)."},
            **kwargs,
        )
        self.image_field, self.alt_field = image_field, alt_field


class LibraryImageFormMixin:
    """For a ModelForm whose image fields may take a library image (declare LibraryImageField fields on it).

    The admin sets `library_user` (LibraryPickerAdminMixin): only the items that person may see can be chosen.
    """

    library_user = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for form_field in self._library_fields():
            form_field.queryset = (
                MediaItem.objects.visible_to(self.library_user) if self.library_user else MediaItem.objects.none()
            )

    def _library_fields(self):
        return [field for field in self.fields.values() if isinstance(field, LibraryImageField)]

    def clean(self):
        cleaned = super().clean()
        for name, form_field in self.fields.items():
            item = cleaned.get(name) if isinstance(form_field, LibraryImageField) else None
            if item is None or form_field.image_field not in self.fields:
                continue
            upload = cleaned.get(form_field.image_field)
            if upload and not getattr(upload, "_committed", False):  # a new upload, not the stored file
                self.add_error(name, ValidationError("Upload a new image or choose one from the library, not both."))
                continue
            cleaned[form_field.image_field] = item.file.name
            alt_field = form_field.alt_field
            if alt_field in self.fields and not (cleaned.get(alt_field) or "").strip() and item.alt_text:
                cleaned[alt_field] = item.alt_text
                # Shown again with the form should the page come back with other errors.
                self.data = self.data.copy()
                self.data[self.add_prefix(alt_field)] = item.alt_text
        return cleaned
