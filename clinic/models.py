from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property
from PIL import ExifTags, Image

from core.images import CleanImageField, generated_image_name, validate_raster_image
from core.models import SingletonModel

from .theme import DEFAULT_BRAND_COLOR, validate_brand_color


def logo_path(clinic, filename):
    return generated_image_name("clinic", validate_raster_image(clinic.logo))


def share_image_path(clinic, filename):
    return generated_image_name("clinic", validate_raster_image(clinic.share_image))


# (field name prefix, name, short name shown to readers, schema.org's two letters)
WEEKDAYS = [
    ("monday", "Monday", "Mon", "Mo"),
    ("tuesday", "Tuesday", "Tue", "Tu"),
    ("wednesday", "Wednesday", "Wed", "We"),
    ("thursday", "Thursday", "Thu", "Th"),
    ("friday", "Friday", "Fri", "Fr"),
    ("saturday", "Saturday", "Sat", "Sa"),
    ("sunday", "Sunday", "Sun", "Su"),
]


def _upright_size(file):
    """Width and height of an upload as `without_metadata` stores it: turned upright by its EXIF orientation."""
    position = file.tell()
    file.seek(0)
    try:
        with Image.open(file) as image:
            width, height = image.size
            if image.getexif().get(ExifTags.Base.Orientation) in (5, 6, 7, 8):
                width, height = height, width
    except (OSError, SyntaxError, ValueError):
        return None, None  # not an image: saving refuses it with the reason
    finally:
        file.seek(position)
    return width, height


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
    logo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    logo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    share_image = CleanImageField(
        "share image",
        upload_to=share_image_path,
        blank=True,
        validators=[validate_raster_image],
        help_text="The picture social networks show when the home page, an archive or an author page is shared; "
        "1200×630 pixels works best. Without one, the logo is shown. JPEG, PNG, WebP or GIF.",
    )
    share_image_alt = models.CharField(
        "share image alt text",
        max_length=250,
        blank=True,
        help_text="Describe the picture for people who cannot see it. Required with a share image.",
    )
    share_image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    share_image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
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
    # One period a day, as clinics list them; a day left empty is closed.
    monday_opens = models.TimeField("Monday opens", null=True, blank=True)
    monday_closes = models.TimeField("closes", null=True, blank=True)
    tuesday_opens = models.TimeField("Tuesday opens", null=True, blank=True)
    tuesday_closes = models.TimeField("closes", null=True, blank=True)
    wednesday_opens = models.TimeField("Wednesday opens", null=True, blank=True)
    wednesday_closes = models.TimeField("closes", null=True, blank=True)
    thursday_opens = models.TimeField("Thursday opens", null=True, blank=True)
    thursday_closes = models.TimeField("closes", null=True, blank=True)
    friday_opens = models.TimeField("Friday opens", null=True, blank=True)
    friday_closes = models.TimeField("closes", null=True, blank=True)
    saturday_opens = models.TimeField("Saturday opens", null=True, blank=True)
    saturday_closes = models.TimeField("closes", null=True, blank=True)
    sunday_opens = models.TimeField("Sunday opens", null=True, blank=True)
    sunday_closes = models.TimeField("closes", null=True, blank=True)
    appointment_url = models.URLField(
        "appointment booking address", blank=True, help_text="Where “Book a consultation” links lead."
    )
    facebook_url = models.URLField("Facebook page", blank=True)
    instagram_url = models.URLField("Instagram profile", blank=True)
    linkedin_url = models.URLField("LinkedIn page", blank=True)
    x_url = models.URLField("X profile", blank=True)
    youtube_url = models.URLField("YouTube channel", blank=True)
    home_page = models.ForeignKey(
        "pages.Page",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="What the site's address (/) shows, as WordPress's “Your homepage displays”: left empty, the "
        "latest articles; a page, and the articles move to /blog/ (while the page is published).",
    )
    privacy_page = models.ForeignKey(
        "pages.Page",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="privacy policy page",
        help_text="Linked from the comment form's privacy note while it is published, as WordPress's Privacy Policy "
        "page. Add it to the footer menu too.",
    )
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

    @cached_property
    def home_page_shown(self):
        """The page chosen as the home page while readers may see it, else None: / then lists the articles.

        Asked of the page's own manager (pages.Page), which this site-level module does not import.
        """
        if self.home_page_id is None:
            return None
        pages = self._meta.get_field("home_page").related_model.objects
        return pages.published().filter(pk=self.home_page_id).first()

    def page_address(self, page):
        """Where readers find `page`: the site's own address for the home page, else its place in the tree."""
        if page.pk == self.home_page_id and self.home_page_shown:
            return reverse("home")
        return page.get_absolute_url()

    @property
    def articles_path(self):
        """Where the latest articles are listed: the home page, or /blog/ while a page is the home page."""
        return reverse("blog:article-list") if self.home_page_shown else reverse("home")

    def save(self, *args, **kwargs):
        # Sizes are read from the upload once, never from storage when a page is drawn.
        for image in ("logo", "share_image"):
            file = getattr(self, image)
            if not file:
                size = (None, None)
            elif not file._committed:
                size = _upright_size(file)
            else:
                continue
            setattr(self, f"{image}_width", size[0])
            setattr(self, f"{image}_height", size[1])
        super().save(*args, **kwargs)

    def clean(self):
        errors = self._opening_hours_errors()
        if self.share_image and not self.share_image_alt.strip():
            errors["share_image_alt"] = "Describe the share image for people who cannot see it."
        if errors:
            raise ValidationError(errors)

    @property
    def address_lines(self):
        region_and_code = " ".join(part for part in (self.region, self.postal_code) if part)
        locality = ", ".join(part for part in (self.city, region_and_code) if part)
        return [line for line in (self.street_address, locality, self.country) if line]

    def _opening_hours_errors(self):
        errors = {}
        for prefix, _, _, _ in WEEKDAYS:
            opens, closes = getattr(self, f"{prefix}_opens"), getattr(self, f"{prefix}_closes")
            if opens is not None and closes is None:
                errors[f"{prefix}_closes"] = "Give the closing time too, or leave both empty on a day it is closed."
            elif opens is None and closes is not None:
                errors[f"{prefix}_opens"] = "Give the opening time too, or leave both empty on a day it is closed."
            elif opens is not None and closes <= opens:
                errors[f"{prefix}_closes"] = f"The clinic must close after it opens ({opens:%H:%M})."
        return errors

    @property
    def opening_periods(self):
        """Runs of consecutive days with the same hours: [(first day, last day, opens, closes)], days from WEEKDAYS.

        A day with half-filled or inverted hours (only possible when stored outside the admin) counts as closed.
        """
        periods = []
        for index, day in enumerate(WEEKDAYS):
            opens, closes = getattr(self, f"{day[0]}_opens"), getattr(self, f"{day[0]}_closes")
            if opens is None or closes is None or closes <= opens:
                continue
            if periods and periods[-1][1] == WEEKDAYS[index - 1] and periods[-1][2:] == (opens, closes):
                periods[-1] = (periods[-1][0], day, opens, closes)
            else:
                periods.append((day, day, opens, closes))
        return periods

    @property
    def opening_hours_lines(self):
        """The hours as readers read them: "Mon–Fri 8:00–18:00"."""
        lines = []
        for first, last, opens, closes in self.opening_periods:
            days = first[2] if first == last else f"{first[2]}–{last[2]}"
            lines.append(f"{days} {opens.hour}:{opens:%M}–{closes.hour}:{closes:%M}")
        return lines

    @property
    def opening_hours_schema(self):
        """The hours in schema.org's openingHours form: "Mo-Fr 08:00-18:00"."""
        lines = []
        for first, last, opens, closes in self.opening_periods:
            days = first[3] if first == last else f"{first[3]}-{last[3]}"
            lines.append(f"{days} {opens:%H:%M}-{closes:%H:%M}")
        return lines

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
