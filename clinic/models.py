from django.conf import settings
from django.db import models

from blog.images import CleanImageField, generated_image_name, validate_raster_image

from .theme import DEFAULT_BRAND_COLOR, validate_brand_color


class SingletonModel(models.Model):
    """A model with exactly one row, edited in the admin as one settings page."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls):
        return cls.objects.get_or_create(pk=1)[0]


def logo_path(clinic, filename):
    return generated_image_name("clinic", validate_raster_image(clinic.logo))


class ClinicSettings(SingletonModel):
    """Who the clinic is and how to reach it: header, footer, contact details and structured data use it."""

    name = models.CharField(max_length=120, default=settings.SITE_NAME)
    tagline = models.CharField(max_length=200, blank=True, default=settings.SITE_TAGLINE)
    logo = CleanImageField(
        upload_to=logo_path,
        blank=True,
        validators=[validate_raster_image],
        help_text="Square, at least 512×512 pixels; used by search engines. JPEG, PNG, WebP or GIF.",
    )
    brand_color = models.CharField(
        "brand colour",
        max_length=7,
        default=DEFAULT_BRAND_COLOR,
        validators=[validate_brand_color],
        help_text="The header, buttons and links. It must be dark enough for white text on it (WCAG AA); "
        "the shades of links and of dark mode are worked out from it.",
    )
    phone = models.CharField(max_length=40, blank=True, help_text="As people should dial it, e.g. +1 555 010 0100.")
    email = models.EmailField(blank=True)
    street_address = models.CharField(max_length=200, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    city = models.CharField(max_length=100, blank=True)
    region = models.CharField("state or region", max_length=100, blank=True)
    country = models.CharField(max_length=100, blank=True)
    opening_hours = models.TextField(
        blank=True, help_text='One line per period, e.g. "Mon–Fri 8:00–18:00". Shown as written.'
    )
    appointment_url = models.URLField(
        "appointment booking address", blank=True, help_text="Where “Book a consultation” links lead."
    )
    facebook_url = models.URLField("Facebook page", blank=True)
    instagram_url = models.URLField("Instagram profile", blank=True)
    linkedin_url = models.URLField("LinkedIn page", blank=True)
    x_url = models.URLField("X profile", blank=True)
    youtube_url = models.URLField("YouTube channel", blank=True)
    default_disclaimer = models.TextField(
        "medical disclaimer",
        default="This article is for information only and is not medical advice. Talk to a qualified physician "
        "about your own situation before starting or changing any treatment.",
        help_text="Shown on articles in categories marked to show it.",
    )
    default_cta_text = models.CharField(
        "default call to action",
        max_length=200,
        default="Wondering whether this treatment is right for you? Book a consultation",
        help_text="Closes every article unless the article has its own.",
    )

    class Meta:
        verbose_name = "clinic settings"
        verbose_name_plural = "clinic settings"

    def __str__(self):
        return "Clinic settings"

    @property
    def address_lines(self):
        region_and_code = " ".join(part for part in (self.region, self.postal_code) if part)
        locality = ", ".join(part for part in (self.city, region_and_code) if part)
        return [line for line in (self.street_address, locality, self.country) if line]

    @property
    def opening_hours_lines(self):
        return [line.strip() for line in self.opening_hours.splitlines() if line.strip()]

    @property
    def social_links(self):
        networks = [
            ("Facebook", self.facebook_url),
            ("Instagram", self.instagram_url),
            ("LinkedIn", self.linkedin_url),
            ("X", self.x_url),
            ("YouTube", self.youtube_url),
        ]
        return [(name, url) for name, url in networks if url]


def clinic_settings(request=None):
    """The clinic settings, read from the database once per request."""
    if request is None:
        return ClinicSettings.load()
    if not hasattr(request, "_clinic_settings"):
        request._clinic_settings = ClinicSettings.load()
    return request._clinic_settings
