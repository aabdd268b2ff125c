import datetime
import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image

from blog.models import AuthorProfile
from clinic.models import WEEKDAYS, ClinicSettings
from tests.factories import ArticleFactory, UserFactory, uploaded_image

pytestmark = pytest.mark.django_db


def change_url():
    return reverse("admin:clinic_clinicsettings_change", args=[ClinicSettings.load().pk])


def settings_form(**changes):
    clinic = ClinicSettings.load()
    data = {
        "name": clinic.name,
        "tagline": clinic.tagline,
        "brand_color": clinic.brand_color,
        "phone": "",
        "email": "",
        "appointment_url": "",
        "street_address": "",
        "postal_code": "",
        "city": "",
        "region": "",
        "country": "",
        "facebook_url": "",
        "instagram_url": "",
        "linkedin_url": "",
        "x_url": "",
        "youtube_url": "",
        "default_disclaimer": clinic.default_disclaimer,
        "default_cta_text": clinic.default_cta_text,
    }
    data.update(changes)
    return data


def weekday_hours(opens, closes):
    days = ["monday", "tuesday", "wednesday", "thursday", "friday"]
    return {f"{day}_{edge}": time for day in days for edge, time in (("opens", opens), ("closes", closes))}


def test_one_settings_page_in_the_admin(editor_client):
    response = editor_client.get(reverse("admin:clinic_clinicsettings_changelist"))

    assert response.status_code == 302
    assert response["Location"] == change_url()
    assert editor_client.get(reverse("admin:clinic_clinicsettings_add")).status_code == 403


def test_changing_the_settings_changes_the_site_without_a_deploy(editor_client, client):
    article = ArticleFactory()
    response = editor_client.post(
        change_url(),
        settings_form(
            name="Harbor Regenerative Clinic",
            tagline="Healing, explained",
            phone="+1 555 010 0199",
            email="hello@harbor.example",
            street_address="1 Harbor Street",
            postal_code="97201",
            city="Portland",
            region="OR",
            country="US",
            **weekday_hours("08:00", "18:00"),
            saturday_opens="09:00",
            saturday_closes="13:00",
            appointment_url="https://harbor.example/book",
            instagram_url="https://instagram.example/harbor",
            logo=uploaded_image("logo.png", size=(512, 512)),
            brand_color="#7a3e9d",
        ),
    )
    assert response.status_code == 302

    home = client.get(reverse("home")).content.decode()
    page = client.get(article.get_absolute_url()).content.decode()

    assert "<title>Harbor Regenerative Clinic</title>" in home
    assert "Healing, explained" in home
    assert '<a href="tel:+15550100199">+1 555 010 0199</a>' in home
    assert '<a href="mailto:hello@harbor.example">hello@harbor.example</a>' in home
    assert "1 Harbor Street<br>Portland, OR 97201<br>US" in home
    assert "Mon–Fri 8:00–18:00<br>Sat 9:00–13:00" in home
    assert '<a href="https://instagram.example/harbor" rel="me noopener">Instagram</a>' in home
    assert "— Harbor Regenerative Clinic</title>" in page
    assert 'src="/media/clinic/' in home
    assert "--color-brand:#7a3e9d;" in home
    assert '<meta name="theme-color" content="#7a3e9d">' in home
    assert "Harbor Regenerative Clinic — editing" in editor_client.get(reverse("admin:index")).content.decode()


def test_structured_data_describes_the_medical_clinic(client):
    ClinicSettings.objects.update(
        name="Harbor Clinic",
        phone="+1 555 010 0199",
        city="Portland",
        street_address="1 Harbor Street",
        **weekday_hours(datetime.time(8), datetime.time(18)),
        saturday_opens=datetime.time(9, 30),
        saturday_closes=datetime.time(13),
        sunday_opens=datetime.time(10),
        sunday_closes=datetime.time(12),
        facebook_url="https://facebook.example/harbor",
    )

    html = client.get(reverse("home")).content.decode()
    (block,) = html.split('<script type="application/ld+json">')[1:]
    clinic = next(
        node for node in json.loads(block.split("</script>")[0])["@graph"] if node["@type"] == "MedicalClinic"
    )

    assert clinic["name"] == "Harbor Clinic"
    assert clinic["telephone"] == "+1 555 010 0199"
    assert clinic["address"]["streetAddress"] == "1 Harbor Street"
    assert clinic["openingHours"] == ["Mo-Fr 08:00-18:00", "Sa 09:30-13:00", "Su 10:00-12:00"]
    assert "Mon–Fri 8:00–18:00<br>Sat 9:30–13:00<br>Sun 10:00–12:00" in html
    assert clinic["sameAs"] == ["https://facebook.example/harbor"]


def test_author_profile_photo_byline_and_about_the_author(client, worked):
    user = UserFactory()
    with worked():
        profile = AuthorProfile.objects.create(
            user=user,
            display_name="Dr. Jane Doe",
            slug="jane-doe",
            credentials="MD",
            job_title="Sports physician",
            bio="Dr. Doe treats running injuries.",
            photo=uploaded_image("me.png"),
        )
    article = ArticleFactory(author=user)

    page = client.get(article.get_absolute_url()).content.decode()
    author_page = client.get(profile.get_absolute_url()).content.decode()

    assert (
        f'By <a class="article__author" href="{profile.get_absolute_url()}" rel="author">Dr. Jane Doe, MD</a>' in page
    )
    assert profile.photo.name.startswith("authors/")
    assert 'alt="Portrait of Dr. Jane Doe"' in author_page
    assert 'src="/media/renditions/' in author_page
    box = page[page.index('<aside class="author-box"') :].split("</aside>")[0]
    assert "About Dr. Jane Doe, MD" in box
    assert "Sports physician" in box and "Dr. Doe treats running injuries." in box
    assert f'<a href="{profile.get_absolute_url()}">All articles by Dr. Jane Doe</a>' in box
    assert 'alt=""' in box


def test_a_brand_colour_too_light_for_white_text_is_refused_next_to_the_field(editor_client, client):
    response = editor_client.post(change_url(), settings_form(brand_color="#ffcc00", name="Not Saved Clinic"))

    assert response.status_code == 200
    assert "WCAG AA asks for 4.5:1" in response.content.decode()
    assert ClinicSettings.load().name != "Not Saved Clinic"
    assert "--color-brand:#ffcc00" not in client.get(reverse("home")).content.decode()


def test_the_refusal_says_the_contrast_rounded_down_never_the_ratio_it_asks_for(editor_client):
    response = editor_client.post(change_url(), settings_form(brand_color="#777777"))  # 4.48:1 with white

    assert "a contrast of only 4.4:1; WCAG AA asks for 4.5:1" in response.content.decode()


def error_next_to(html, field):
    """The error messages shown beside `field` on an admin change form, which its input is described by."""
    match = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', html)
    if not match:
        return []
    assert re.search(rf'<input [^>]*aria-describedby="[^"]*id_{field}_error"[^>]* id="id_{field}"', html)
    return re.findall(r"<li>(.*?)</li>", match[1])


def test_opening_hours_are_refused_when_the_clinic_closes_before_it_opens(editor_client):
    response = editor_client.post(
        change_url(),
        settings_form(monday_opens="18:00", monday_closes="08:00", tuesday_opens="08:00", wednesday_closes="12:00"),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert error_next_to(html, "monday_closes") == ["The clinic must close after it opens (18:00)."]
    assert error_next_to(html, "tuesday_closes") == [
        "Give the closing time too, or leave both empty on a day it is closed."
    ]
    assert error_next_to(html, "wednesday_opens") == [
        "Give the opening time too, or leave both empty on a day it is closed."
    ]
    assert ClinicSettings.load().monday_opens is None


def test_opening_hours_fields_are_time_inputs_in_day_order(editor_client):
    html = editor_client.get(change_url()).content.decode()

    assert '<input type="time" name="monday_opens"' in html
    positions = [html.index(f'name="{day}_opens"') for day, *_ in WEEKDAYS]
    assert positions == sorted(positions)


def test_share_image_needs_alt_text_next_to_the_field(editor_client):
    response = editor_client.post(
        change_url(), settings_form(share_image=uploaded_image("share.png", size=(1200, 630)))
    )

    assert response.status_code == 200
    assert error_next_to(response.content.decode(), "share_image_alt") == [
        "Describe the share image for people who cannot see it."
    ]
    assert not ClinicSettings.load().share_image


def test_share_image_is_saved_with_its_size_and_kept_when_the_settings_are_saved_again(editor_client, client):
    first = editor_client.post(
        change_url(),
        settings_form(
            share_image=uploaded_image("share.png", size=(1200, 630)),
            share_image_alt="The clinic's waiting room",
            logo=uploaded_image("logo.png", size=(512, 512)),
        ),
    )
    assert first.status_code == 302
    saved = ClinicSettings.load()

    again = editor_client.post(change_url(), settings_form(name="Harbor Clinic", share_image_alt="The waiting room"))

    assert again.status_code == 302
    clinic = ClinicSettings.load()
    assert clinic.name == "Harbor Clinic"
    assert clinic.share_image.name == saved.share_image.name and clinic.share_image.name.startswith("clinic/")
    assert (clinic.share_image_width, clinic.share_image_height) == (1200, 630)
    assert (clinic.logo_width, clinic.logo_height) == (512, 512)
    assert '<meta property="og:image:alt" content="The waiting room">' in client.get("/").content.decode()


def test_share_image_turned_upright_reports_its_upright_size(editor_client):
    image = Image.new("RGB", (300, 200), (11, 97, 99))
    exif = image.getexif()
    exif[ExifTags.Base.Orientation] = 6
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    upload = SimpleUploadedFile("sideways.jpg", buffer.getvalue(), content_type="image/jpeg")

    response = editor_client.post(change_url(), settings_form(share_image=upload, share_image_alt="A photo"))

    assert response.status_code == 302
    clinic = ClinicSettings.load()
    assert (clinic.share_image_width, clinic.share_image_height) == (200, 300)
    with Image.open(clinic.share_image.path) as stored:
        assert stored.size == (200, 300)


def test_removing_the_share_image_forgets_its_size(editor_client):
    clinic = ClinicSettings.load()
    clinic.share_image, clinic.share_image_alt = uploaded_image("share.png", size=(1200, 630)), "Waiting room"
    clinic.save()

    response = editor_client.post(change_url(), settings_form(**{"share_image-clear": "on"}))

    assert response.status_code == 302
    clinic = ClinicSettings.load()
    assert not clinic.share_image
    assert clinic.share_image_width is None and clinic.share_image_height is None
