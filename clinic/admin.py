from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import models

from core.admin import SingletonModelAdmin

from .accounts import StaffUserAdmin
from .models import WEEKDAYS, ClinicSettings


@admin.register(ClinicSettings)
class ClinicSettingsAdmin(SingletonModelAdmin):
    fieldsets = [
        ("The clinic", {"fields": ["name", "tagline", "logo", "brand_color"]}),
        (
            "Sharing",
            {
                "fields": ["share_image", "share_image_alt"],
                "description": "What social networks show when a page without its own picture is shared.",
            },
        ),
        ("Contact", {"fields": ["phone", "email", "appointment_url"]}),
        (
            "Opening hours",
            {
                "fields": [(f"{day}_opens", f"{day}_closes") for day, _, _, _ in WEEKDAYS],
                "description": "Leave both times empty on a day the clinic is closed. Shown in the footer and "
                "given to search engines.",
            },
        ),
        ("Address", {"fields": ["street_address", "postal_code", "city", "region", "country"]}),
        ("Social profiles", {"fields": ["facebook_url", "instagram_url", "linkedin_url", "x_url", "youtube_url"]}),
        ("Articles", {"fields": ["default_disclaimer", "default_cta_text"]}),
        ("Reading", {"fields": ["home_page"], "description": "What your home page displays."}),
        ("Privacy", {"fields": ["privacy_page"]}),
    ]
    autocomplete_fields = ["home_page", "privacy_page"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "brand_color":
            kwargs["widget"] = forms.TextInput(attrs={"type": "color"})
        if isinstance(db_field, models.TimeField):
            kwargs["widget"] = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
        return super().formfield_for_dbfield(db_field, request, **kwargs)


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), StaffUserAdmin)
