import json

import pytest
from django.urls import reverse

from blog.models import AuthorProfile
from clinic.models import ClinicSettings
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
        "opening_hours": "",
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
            opening_hours="Mon–Fri 8:00–18:00\nSat 9:00–13:00",
            appointment_url="https://harbor.example/book",
            instagram_url="https://instagram.example/harbor",
            logo=uploaded_image("logo.png", size=(512, 512)),
            brand_color="#7a3e9d",
        ),
    )
    assert response.status_code == 302

    home = client.get(reverse("blog:article-list")).content.decode()
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
        opening_hours="Mo-Fr 08:00-18:00",
        facebook_url="https://facebook.example/harbor",
    )

    html = client.get(reverse("blog:article-list")).content.decode()
    blocks = [json.loads(b.split("</script>")[0]) for b in html.split('<script type="application/ld+json">')[1:]]
    clinic = next(block for block in blocks if block["@type"] == "MedicalClinic")

    assert clinic["name"] == "Harbor Clinic"
    assert clinic["telephone"] == "+1 555 010 0199"
    assert clinic["address"]["streetAddress"] == "1 Harbor Street"
    assert clinic["openingHours"] == ["Mo-Fr 08:00-18:00"]
    assert clinic["sameAs"] == ["https://facebook.example/harbor"]


def test_author_profile_photo_byline_and_about_the_author(client):
    user = UserFactory()
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
    assert "--color-brand:#ffcc00" not in client.get(reverse("blog:article-list")).content.decode()
