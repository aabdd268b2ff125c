"""The picker's search: only for those who may upload, and never an image the person may not see."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from clinic.roles import AUTHOR, CONTRIBUTOR, EDITOR, MODERATOR
from tests.factories import ArticleFactory, MediaItemFactory, UserFactory

pytestmark = pytest.mark.django_db
PICKER = reverse("library:picker")


def member(role):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def titles(client, **query):
    response = client.get(PICKER, query)
    assert response.status_code == 200
    return [item["title"] for item in response.json()["results"]]


@pytest.fixture
def library():
    author, other = member(AUTHOR), member(AUTHOR)
    found = {
        "author": author,
        "own": MediaItemFactory(uploaded_by=author, title="My knee photo"),
        "published": MediaItemFactory(uploaded_by=other, title="Published shoulder"),
        "others draft": MediaItemFactory(uploaded_by=other, title="Patient photo in a draft"),
        "unused": MediaItemFactory(uploaded_by=other, title="Unused upload"),
    }
    ArticleFactory(author=other, body=f'<p><img src="{found["published"].url}" alt="A shoulder"></p>')
    return found


def test_an_editor_is_offered_every_image_newest_first(client, library):
    client.force_login(member(EDITOR))

    assert titles(client) == ["Unused upload", "Patient photo in a draft", "Published shoulder", "My knee photo"]


def test_an_author_is_offered_own_uploads_and_images_readers_already_see(client, library):
    other = library["others draft"].uploaded_by
    ArticleFactory(author=other, draft=True, body=f'<img src="{library["others draft"].url}" alt="x">')
    client.force_login(library["author"])

    assert titles(client) == ["Published shoulder", "My knee photo"]


def test_a_contributor_is_offered_only_own_uploads(client, library):
    contributor = member(CONTRIBUTOR)
    MediaItemFactory(uploaded_by=contributor, title="Contributor's picture")
    client.force_login(contributor)

    assert titles(client) == ["Contributor's picture", "Published shoulder"]


def test_search_looks_in_titles_alt_texts_captions_and_credits(client, library):
    MediaItemFactory(title="Plain", alt_text="A physiotherapist", caption="Session one", credit="Photo: A. Lee")
    client.force_login(member(EDITOR))

    assert titles(client, q="physio") == ["Plain"]
    assert titles(client, q="session lee") == ["Plain"]
    assert titles(client, q="shoulder") == ["Published shoulder"]
    assert titles(client, q="nothing like it") == []


def test_results_come_in_pages(client, settings):
    MediaItemFactory.create_batch(25)
    client.force_login(member(EDITOR))

    first = client.get(PICKER).json()
    second = client.get(PICKER, {"page": 2}).json()

    assert (len(first["results"]), first["has_more"], first["count"]) == (24, True, 25)
    assert (len(second["results"]), second["has_more"]) == (1, False)
    assert client.get(PICKER, {"page": "many"}).status_code == 200


@pytest.mark.parametrize("who", ["anonymous", "moderator", "staff without a role", "inactive editor"])
def test_the_picker_refuses_those_who_may_not_upload(client, library, who):
    if who == "moderator":
        client.force_login(member(MODERATOR))
    elif who == "staff without a role":
        client.force_login(UserFactory(is_staff=True))
    elif who == "inactive editor":
        editor = member(EDITOR)
        client.force_login(editor)
        editor.is_active = False
        editor.save()

    response = client.get(PICKER)

    assert response.status_code in (302, 403)
    assert b"knee" not in response.content.lower()
