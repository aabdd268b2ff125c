"""One test per comment rule (blog/moderation.py), through the rules and through the form."""

import datetime
import time

import pytest
import time_machine
from django.core import signing
from django.utils import timezone

from blog import moderation
from blog.forms import FORM_TIMESTAMP_SALT
from blog.models import Comment, DiscussionSettings
from tests.factories import ArticleFactory, CommentFactory, UserFactory, post_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def discussion():
    return DiscussionSettings.load()


def submission(article, discussion, **overrides):
    fields = {
        "article": article,
        "discussion": discussion,
        "name": "Maria Lopez",
        "email": "maria@example.com",
        "url": "",
        "body": "Thank you for the clear explanation.",
        "ip_address": "192.0.2.1",
        "user_agent": "Mozilla/5.0",
        "seconds_to_submit": 30.0,
        **overrides,
    }
    return moderation.Submission(**fields)


def verdict_of(article, discussion, **overrides):
    return moderation.moderate(submission(article, discussion, **overrides))


def test_default_is_held_for_moderation(article, discussion):
    verdict = verdict_of(article, discussion)

    assert verdict.status == Comment.Status.PENDING
    assert verdict.reason == "Comments must be approved"


def test_rapid_repeat_from_the_same_ip_is_refused_with_429(article, discussion):
    CommentFactory(article=article, ip_address="192.0.2.1")

    with pytest.raises(moderation.CommentRefused) as refusal:
        verdict_of(article, discussion)

    assert refusal.value.status == 429


def test_rapid_repeat_does_not_apply_to_staff(article, discussion):
    CommentFactory(article=article, ip_address="192.0.2.1")

    verdict = verdict_of(article, discussion, user=UserFactory(is_staff=True))

    assert verdict.status == Comment.Status.APPROVED


def test_duplicate_is_refused_next_to_the_comment_field(article, discussion):
    CommentFactory(article=article, email="maria@example.com", body="Same words", ip_address="192.0.2.200")

    with pytest.raises(moderation.CommentRefused) as refusal:
        verdict_of(article, discussion, body="Same words")

    assert refusal.value.field == "body"


def test_same_words_on_another_article_are_not_a_duplicate(article, discussion):
    CommentFactory(email="maria@example.com", body="Same words", ip_address="192.0.2.200")

    assert verdict_of(article, discussion, body="Same words").status == Comment.Status.PENDING


def test_staff_comment_is_a_clinic_reply_approved_at_once(article, discussion):
    verdict = verdict_of(article, discussion, user=UserFactory(is_staff=True))

    assert verdict == moderation.Verdict(Comment.Status.APPROVED, "Clinic team reply")


def test_non_staff_user_is_not_a_clinic_reply(article, discussion):
    assert verdict_of(article, discussion, user=UserFactory()).status == Comment.Status.PENDING


def test_honeypot_filled_is_spam(article, discussion):
    assert verdict_of(article, discussion, honeypot="555-0100").status == Comment.Status.SPAM


@pytest.mark.parametrize("seconds", [None, 0.5, 2.9])
def test_filled_too_fast_or_without_a_valid_form_is_spam(article, discussion, seconds):
    assert verdict_of(article, discussion, seconds_to_submit=seconds).status == Comment.Status.SPAM


@pytest.mark.parametrize("field", ["name", "email", "url", "body", "user_agent"])
def test_disallowed_word_in_any_field_is_spam(article, discussion, field):
    discussion.disallowed_words = "casino\n"
    value = {"email": "casino@example.com", "url": "https://casino.example"}.get(field, "Best Casino deals")

    verdict = verdict_of(article, discussion, **{field: value})

    assert verdict.status == Comment.Status.SPAM
    assert "casino" in verdict.reason


def test_disallowed_word_beats_a_known_commenter(article, discussion):
    CommentFactory(name="Maria Lopez", email="maria@example.com", ip_address="192.0.2.200")
    discussion.disallowed_words = "viagra"

    assert verdict_of(article, discussion, body="cheap viagra").status == Comment.Status.SPAM


@pytest.mark.parametrize(
    "body",
    [
        "Call me on +1 (555) 010-0199 to talk about it.",
        "My number is 020 7946 0958.",
        "Write to me at maria.private@example.com please.",
        "DOB 04/07/1981, is that too old for PRP?",
        "I was born on 4 July 1981.",
        "My date of birth is in the file.",
        "I take 400 mg of ibuprofen three times a day.",
        "They gave me 2.5 ml of dextrose.",
        "Insulin, 10 units in the morning.",
    ],
)
def test_personal_health_or_contact_details_are_held_with_a_kind_notice(article, discussion, body):
    discussion.require_moderation = False

    verdict = verdict_of(article, discussion, body=body)

    assert verdict.status == Comment.Status.PENDING
    assert verdict.notice == moderation.PERSONAL_DETAILS_NOTICE
    assert "we never publish personal medical details" in verdict.notice
    assert "book a consultation" in verdict.notice


@pytest.mark.parametrize(
    "body",
    [
        "My knee pain lasted 8-9 weeks before I came in.",
        "I had treatments in 2019-2020 and again in 2024.",
        "Three sessions, 4 weeks apart, worked for me.",
    ],
)
def test_ordinary_numbers_are_not_personal_details(article, discussion, body):
    discussion.require_moderation = False

    assert verdict_of(article, discussion, body=body).status == Comment.Status.APPROVED


def test_patient_safety_notice_links_to_booking_when_configured(article, discussion, settings):
    settings.CLINIC_BOOKING_URL = "https://clinic.example/book"

    verdict = verdict_of(article, discussion, body="I take 20 mg of it daily.")

    assert verdict.notice.endswith("You can book one at https://clinic.example/book")


def test_two_links_are_held_and_one_is_not(article, discussion):
    discussion.require_moderation = False

    held = verdict_of(article, discussion, body="See https://a.example and www.b.example")
    passed = verdict_of(article, discussion, body="See https://a.example for the study.")

    assert held.status == Comment.Status.PENDING
    assert held.reason == "Contains 2 links"
    assert passed.status == Comment.Status.APPROVED


def test_link_rule_can_be_turned_off(article, discussion):
    discussion.require_moderation = False
    discussion.hold_link_count = 0

    assert verdict_of(article, discussion, body="https://a.example https://b.example").status == "approved"


def test_moderation_word_holds_the_comment(article, discussion):
    discussion.require_moderation = False
    discussion.moderation_words = "refund\n  lawsuit \n"

    verdict = verdict_of(article, discussion, body="I want a REFUND")

    assert verdict.status == Comment.Status.PENDING
    assert "refund" in verdict.reason


def test_moderation_off_approves(article, discussion):
    discussion.require_moderation = False

    assert verdict_of(article, discussion).reason == "Moderation is off"


def test_known_commenter_with_same_name_and_email_is_approved(article, discussion):
    CommentFactory(name="Maria Lopez", email="Maria@Example.com", ip_address="192.0.2.200")

    verdict = verdict_of(article, discussion)

    assert verdict == moderation.Verdict(Comment.Status.APPROVED, "Known commenter")


def test_same_email_with_another_name_is_not_known(article, discussion):
    CommentFactory(name="Someone Else", email="maria@example.com", ip_address="192.0.2.200")

    assert verdict_of(article, discussion).status == Comment.Status.PENDING


def test_a_pending_earlier_comment_does_not_make_a_known_commenter(article, discussion):
    CommentFactory(name="Maria Lopez", email="maria@example.com", status="pending", ip_address="192.0.2.200")

    assert verdict_of(article, discussion).status == Comment.Status.PENDING


def test_known_commenter_rule_can_be_turned_off(article, discussion):
    CommentFactory(name="Maria Lopez", email="maria@example.com", ip_address="192.0.2.200")
    discussion.auto_approve_known_commenters = False

    assert verdict_of(article, discussion).status == Comment.Status.PENDING


def test_rules_are_applied_in_the_documented_order():
    names = [rule.__name__ for rule in moderation.REFUSALS + moderation.VERDICTS]

    assert names == [
        "rapid_repeat",
        "duplicate",
        "clinic_reply",
        "honeypot_filled",
        "filled_too_fast",
        "disallowed_word",
        "form_left_open",
        "personal_details",
        "too_many_links",
        "moderation_word",
        "moderation_off",
        "known_commenter",
    ]
    for position, name in enumerate(names, start=1):
        assert f"{position}. {name}" in " ".join(moderation.__doc__.split())


# Through the form: bots are routed to spam silently, people are told what happens.


def test_bot_filling_the_honeypot_gets_the_same_answer_and_lands_in_spam(client, article):
    response = post_comment(client, article, phone="555-0100")

    assert response.status_code == 302
    assert Comment.objects.get().status == Comment.Status.SPAM


def test_bot_posting_instantly_lands_in_spam(client, article):
    response = post_comment(client, article, started=signing.dumps([article.pk, time.time()], salt=FORM_TIMESTAMP_SALT))

    assert response.status_code == 302
    assert Comment.objects.get().status == Comment.Status.SPAM


@pytest.mark.parametrize("started", ["", "forged", signing.dumps(1.0, salt="another-salt")])
def test_missing_or_forged_form_timestamp_lands_in_spam(client, article, started):
    post_comment(client, article, started=started)

    assert Comment.objects.get().status == Comment.Status.SPAM


def form_token_of(client, article):
    page = client.get(article.get_absolute_url()).content.decode()
    return page.split('name="started" value="')[1].split('"')[0]


def test_a_form_token_of_another_article_lands_in_spam(client, article):
    token = form_token_of(client, ArticleFactory())

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=1)):
        post_comment(client, article, started=token)

    assert Comment.objects.get().status == Comment.Status.SPAM


@pytest.mark.parametrize(
    ("hours", "held_reason"), [(23, "Known commenter"), (25, "The form was open for more than a day")]
)
def test_a_form_token_is_good_for_a_day_then_its_comment_waits_for_a_moderator(client, article, hours, held_reason):
    CommentFactory(article=article, name="Maria Lopez", email="maria@example.com")
    token = form_token_of(client, article)

    with time_machine.travel(timezone.now() + datetime.timedelta(hours=hours)):
        post_comment(client, article, started=token)

    comment = Comment.objects.exclude(body__startswith="Comment number").get()
    assert comment.held_reason == held_reason
    assert comment.status == (Comment.Status.APPROVED if hours < 24 else Comment.Status.PENDING)


def test_patient_safety_notice_is_shown_to_the_commenter(client, article):
    response = post_comment(client, article, body="I take 50 mg of tramadol, call me at 555 010 0199 4.")

    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.held_reason == "May share personal health or contact details"
    page = client.get(response["Location"]).content.decode()
    assert "we never publish personal medical details" in page
    assert "Your comment is awaiting moderation." in page


def test_held_reason_is_stored_for_moderators(client, article):
    DiscussionSettings.objects.update(require_moderation=False)

    post_comment(client, article, body="Links: https://a.example https://b.example")

    assert Comment.objects.get().held_reason == "Contains 2 links"
