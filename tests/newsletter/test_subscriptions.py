"""“Get new articles by email”: the form on every page, double opt-in, the links in every email, and the abuse
limits, through a real mail server on loopback and the worker's own code."""

import datetime
import html
import re
import time

import pytest
import time_machine
from django.core import signing
from django.test import Client
from django.urls import reverse

from blog.forms import FORM_TIMESTAMP_SALT
from core.privacy import person_erase, person_export
from newsletter.models import Subscriber
from outbox.models import Email
from outbox.services import ERASED_TEXT
from tests.helpers import wsgi

pytestmark = pytest.mark.django_db

READER = "reader@example.com"
SITE = "https://blog.clinic.example"


def text_of(message):
    return message.get_body(("plain",)).get_content()


def site_link(message, name):
    """The path of the first link in `message`'s text to the newsletter page `name`."""
    start = reverse(f"newsletter:{name}", args=["x"]).removesuffix("x/")
    return re.search(rf"{re.escape(SITE)}({re.escape(start)}\S+/)", text_of(message))[1]


def shown_a_minute_ago():
    return signing.dumps([None, time.time() - 60], salt=FORM_TIMESTAMP_SALT)


def subscribe(client=None, address=READER, frequency="each", remote_addr="198.51.100.7", **overrides):
    form = {"email": address, "frequency": frequency, "started": shown_a_minute_ago(), "phone": "", **overrides}
    return (client or Client()).post(reverse("newsletter:subscribe"), form, REMOTE_ADDR=remote_addr)


def confirmed_subscriber(mailed, address=READER, frequency="each"):
    with mailed(address) as confirmations:
        subscribe(address=address, frequency=frequency)
    Client().get(site_link(confirmations[0], "confirm"))
    return Subscriber.objects.get(email=address)


def test_every_page_offers_the_form_in_its_footer_and_articles_at_their_end(client, article):
    home = client.get("/").content.decode()
    page = client.get(article.get_absolute_url()).content.decode()

    assert "Get new articles by email" in home
    assert ">Get new articles by email</h2>" in page
    assert ">Enjoyed this article? Get new ones by email</h2>" in page
    assert 'id="id_article_subscribe_email"' in page and 'id="id_footer_subscribe_email"' in page


def test_a_stored_page_gives_each_reader_a_fresh_form_token(article, settings):
    settings.PAGE_CACHE_SECONDS = 600
    wsgi("/")
    with time_machine.travel(datetime.timedelta(seconds=30)):
        hit = wsgi("/")
    token = re.search(r'name="started" value="([^"]+)"', hit.text)[1]

    assert hit.hit
    assert abs(signing.loads(token, salt=FORM_TIMESTAMP_SALT)[1] - time.time() - 30) < 2


def test_subscribing_sends_one_confirmation_and_nothing_else_until_it_is_confirmed(mailed):
    with mailed(READER) as confirmations:
        answer = subscribe()

    assert answer.status_code == 302 and answer["Location"] == reverse("newsletter:check-inbox")
    assert len(confirmations) == 1
    message = confirmations[0]
    assert "Confirm your subscription" in message["Subject"]
    assert message.get_body(("html",)) is not None
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING

    page = Client().get(site_link(message, "confirm"))
    assert "you are subscribed" in page.content.decode()
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED


def test_the_answer_is_the_same_for_a_new_and_an_already_subscribed_address(mailed):
    confirmed_subscriber(mailed)

    with mailed(READER) as again:
        known = subscribe()
    unknown = subscribe(address="someone.new@example.com")

    assert again == []
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert Subscriber.objects.get(email=READER).frequency == "each"


def test_one_confirmation_an_hour_per_address(mailed):
    with mailed(READER) as confirmations:
        for _ in range(5):
            subscribe(remote_addr="198.51.100.8")

    assert len(confirmations) == 1
    with time_machine.travel(datetime.timedelta(hours=1, minutes=1)), mailed(READER) as later:
        subscribe(remote_addr="198.51.100.8")
    assert len(later) == 1


def test_one_client_address_cannot_mail_many_people(mailed, smtp):
    with mailed(READER):
        for n in range(15):
            subscribe(address=f"victim{n}@example.com", remote_addr="198.51.100.9")

    assert len(smtp.messages) == 10
    assert Subscriber.objects.count() == 10


def test_bots_get_the_same_answer_and_nothing_is_stored(mailed):
    with mailed(READER) as sent:
        honeypot = subscribe(phone="+1 555 0100")
        no_token = subscribe(started="")

    assert honeypot.status_code == no_token.status_code == 302
    assert sent == [] and not Subscriber.objects.exists()


@pytest.mark.parametrize("seconds_ago", [0, 60 * 60 * 24 + 600], ids=["at once", "a day later"])
def test_a_form_sent_at_once_or_a_day_later_is_asked_for_once_more_and_then_subscribes(mailed, seconds_ago):
    started = signing.dumps([None, time.time() - seconds_ago], salt=FORM_TIMESTAMP_SALT)
    with mailed(READER) as sent:
        asked = subscribe(started=started, frequency="weekly")
    page = asked.content.decode()
    token = re.search(r'name="started" value="([^"]+)"', page)[1]

    assert asked.status_code == 200
    assert "Please press Subscribe once more" in page
    assert f'value="{READER}"' in page and re.search(r'value="weekly"[^>]*checked', page)
    assert sent == [] and not Subscriber.objects.exists()
    with time_machine.travel(datetime.timedelta(seconds=5)), mailed(READER) as sent:
        subscribe(started=token)
    assert len(sent) == 1


def test_a_mistyped_address_comes_back_with_the_reason_next_to_it():
    answer = subscribe(address="reader@example")

    page = answer.content.decode()
    assert answer.status_code == 400
    assert "Please enter a valid email address" in page
    assert 'value="reader@example"' in page
    assert not Subscriber.objects.exists()


def test_links_that_were_tampered_with_expired_or_replaced_change_nothing(mailed):
    with mailed(READER) as first:
        subscribe()
    confirm = site_link(first[0], "confirm")

    tampered = Client().get(confirm[:-6] + "AAAAA/")
    with time_machine.travel(datetime.timedelta(hours=2)):
        with mailed(READER) as second:
            subscribe()
        replaced = Client().get(confirm)
    with time_machine.travel(datetime.timedelta(days=8)):
        expired = Client().get(site_link(second[0], "confirm"))

    assert tampered.status_code == expired.status_code == 400
    assert "does not work" in tampered.content.decode()
    assert "expired" in expired.content.decode()
    assert "no longer works" in replaced.content.decode()
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    assert len(second) == 1


def test_unsubscribing_with_one_click_needs_no_login_and_may_be_repeated(mailed):
    subscriber = confirmed_subscriber(mailed)
    from newsletter.services import unsubscribe_url

    path = unsubscribe_url(subscriber).removeprefix(SITE)
    mail_program = Client(enforce_csrf_checks=True)

    asked = mail_program.get(path)
    first = mail_program.post(path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    second = mail_program.post(path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")

    assert "Unsubscribe?" in asked.content.decode()
    assert first.status_code == second.status_code == 200
    assert Subscriber.objects.get().status == Subscriber.Status.UNSUBSCRIBED


def test_the_manage_page_changes_the_choice_and_keeps_it_after_bad_input(mailed):
    subscriber = confirmed_subscriber(mailed)
    from newsletter.services import manage_url

    path = manage_url(subscriber).removeprefix(SITE)

    # From a mail program: no cookie of ours, so no CSRF token either; the signed link is the authority.
    refused = Client(enforce_csrf_checks=True).post(path, {"frequency": "hourly"})
    saved = Client(enforce_csrf_checks=True).post(path, {"frequency": "weekly"})

    assert refused.status_code == 400 and "Please choose" in refused.content.decode()
    assert "Saved: a weekly digest" in saved.content.decode()
    assert "id_footer_subscribe_email" not in saved.content.decode()  # no second form about the same thing
    assert Subscriber.objects.get().frequency == "weekly"


def test_a_person_s_data_export_and_erase_cover_the_newsletter(mailed):
    confirmed_subscriber(mailed)

    exported = person_export(READER)
    person_erase(READER)

    assert exported["newsletter"]["status"] == "confirmed"
    assert not Subscriber.objects.exists()
    confirmation = Email.objects.get(kind="Newsletter: confirmation")
    assert confirmation.to == [] and confirmation.text == ERASED_TEXT


def test_confirmation_links_are_for_their_recipient_alone_not_for_the_admin(mailed, editor_client):
    from outbox.models import Email

    with mailed(READER):
        subscribe()
    email = Email.objects.get(kind="Newsletter: confirmation")
    page = editor_client.get(reverse("admin:outbox_email_change", args=[email.pk])).content.decode()

    assert email.secret
    assert "/newsletter/confirm/" not in page and "Not shown: it holds a secret link" in page


def test_the_admin_previews_each_email_s_html_whole(editor_client, article):
    page = editor_client.get(reverse("admin:newsletter_subscriber_previews")).content.decode()
    previews = [html.unescape(found) for found in re.findall(r'srcdoc="([^"]*)"', page)]

    assert len(previews) == 3
    assert all(preview.startswith("<!DOCTYPE html>") and preview.rstrip().endswith("</html>") for preview in previews)
    assert f"<title>{article.title}</title>" in previews[1]  # the subject a subscriber sees, not a placeholder
