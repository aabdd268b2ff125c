"""The comment rules: what is refused, what is held for moderation, what is spam and what is published.

`moderate()` applies them in this order, and the first rule that decides wins:

Refusals (the commenter gets the form back with a message; nothing is stored):
  1. rapid_repeat      the same IP address posted less than COMMENT_RATE_LIMIT_SECONDS ago (staff excepted)
  2. duplicate         the same email already posted the same text on this article

Verdicts (the comment is stored with the status the rule gives):
  3. clinic_reply      a logged-in staff member's comment is approved at once
  4. honeypot_filled   the hidden field only bots see was filled in                 -> spam, silently
  5. filled_too_fast   the form came back sooner than a person can type, or without our token -> spam, silently
  6. disallowed_word   a disallowed word appears in any field                       -> spam
  7. form_left_open    the form was shown more than a day ago (a genuine but old token) -> held
  8. personal_details  the text looks like it shares personal health or contact details -> held, with a notice
  9. too_many_links    the text has the configured number of links or more         -> held
 10. moderation_word   a moderation word appears in any field                       -> held
 11. moderation_off    the site does not require moderation                         -> approved
 12. known_commenter   the same name and email already have an approved comment     -> approved
 otherwise                                                                          -> held
"""

import datetime
import math
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from .forms import FORM_TIMESTAMP_MAX_AGE
from .models import Comment, staff_member

PERSONAL_DETAILS_NOTICE = (
    "Thank you for your comment. It seems to include personal health or contact details, so our team will read "
    "it before anything is published: we never publish personal medical details. If you would like advice about "
    "your own situation, please book a consultation with the clinic."
)

LINK_PATTERN = re.compile(r"https?://|www\.", re.IGNORECASE)
EMAIL_PATTERN = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE_PATTERN = re.compile(r"\+?\(?\d[\d\s().-]{6,}\d")
BIRTH_DATE_PATTERN = re.compile(
    r"\b(?:dob|d\.o\.b\.?|date of birth|born on)\b|\b\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)\d{2}\b", re.IGNORECASE
)
DOSE_PATTERN = re.compile(r"\b\d+(?:[.,]\d+)?\s?(?:mg|mcg|µg|μg|ml|iu|units?)\b", re.IGNORECASE)
MIN_PHONE_DIGITS = 9


class CommentRefused(Exception):
    """The comment cannot be accepted; `message` says why, next to `field` (None: the whole form).

    `retry_after`: for a refusal that only time lifts, the seconds until the comment may be sent again.
    """

    def __init__(self, message, *, field=None, status=400, retry_after=None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True)
class Submission:
    """What the rules look at: one comment as sent, before it is stored."""

    article: object
    discussion: object
    name: str
    email: str
    url: str
    body: str
    user: object = None
    ip_address: str | None = None
    user_agent: str = ""
    honeypot: str = ""
    seconds_to_submit: float | None = None

    @property
    def is_staff(self):
        return staff_member(self.user) is not None

    @property
    def all_fields(self):
        return "\n".join([self.name, self.email, self.url, self.body, self.ip_address or "", self.user_agent]).lower()


@dataclass(frozen=True)
class Verdict:
    status: str
    reason: str
    notice: str = ""


def rapid_repeat(submission):
    if submission.is_staff or not submission.ip_address or not settings.COMMENT_RATE_LIMIT_SECONDS:
        return
    now = timezone.now()
    window = datetime.timedelta(seconds=settings.COMMENT_RATE_LIMIT_SECONDS)
    latest = (
        Comment.objects.filter(ip_address=submission.ip_address, created_at__gte=now - window)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if latest is not None:
        seconds = max(1, math.ceil((latest + window - now).total_seconds()))
        raise CommentRefused(
            f"You are posting comments too quickly. Please wait {seconds} second{'s' if seconds != 1 else ''} "
            "and send your comment again.",
            status=429,
            retry_after=seconds,
        )


def duplicate(submission):
    if not submission.email:
        return
    same = Comment.objects.filter(article=submission.article, body=submission.body).by_email(submission.email)
    if same.exists():
        raise CommentRefused(
            "You have already sent this comment. It is waiting for us or already published.", field="body"
        )


def clinic_reply(submission):
    if submission.is_staff:
        return Verdict(Comment.Status.APPROVED, "Clinic team reply")


def honeypot_filled(submission):
    if submission.honeypot.strip():
        return Verdict(Comment.Status.SPAM, "Filled in the field only bots see")


def filled_too_fast(submission):
    seconds = submission.seconds_to_submit
    if seconds is None or seconds < settings.COMMENT_MIN_SECONDS_TO_SUBMIT:
        return Verdict(Comment.Status.SPAM, "Sent too fast after the form was shown, or without a valid form")


def form_left_open(submission):
    """A person may leave a tab open overnight: their comment waits for a moderator rather than going to spam,
    and an old token can never publish anything by itself."""
    if (submission.seconds_to_submit or 0) > FORM_TIMESTAMP_MAX_AGE:
        return Verdict(Comment.Status.PENDING, "The form was open for more than a day")


def _first_listed_word(submission, words):
    fields = submission.all_fields
    return next((word for word in words if word in fields), None)


def disallowed_word(submission):
    word = _first_listed_word(submission, submission.discussion.disallowed_word_list)
    if word:
        return Verdict(Comment.Status.SPAM, f"Contains the disallowed word “{word}”")


def looks_like_personal_details(text):
    """Whether `text` seems to share contact details, a birth date or a medication dose."""
    if EMAIL_PATTERN.search(text) or BIRTH_DATE_PATTERN.search(text) or DOSE_PATTERN.search(text):
        return True
    return any(sum(ch.isdigit() for ch in match) >= MIN_PHONE_DIGITS for match in PHONE_PATTERN.findall(text))


def personal_details(submission):
    if looks_like_personal_details(submission.body):
        notice = PERSONAL_DETAILS_NOTICE
        if settings.CLINIC_BOOKING_URL:
            notice += f" You can book one at {settings.CLINIC_BOOKING_URL}"
        return Verdict(Comment.Status.PENDING, "May share personal health or contact details", notice=notice)


def too_many_links(submission):
    limit = submission.discussion.hold_link_count
    links = len(LINK_PATTERN.findall(submission.body))
    if limit and links >= limit:
        return Verdict(Comment.Status.PENDING, f"Contains {links} links")


def moderation_word(submission):
    word = _first_listed_word(submission, submission.discussion.moderation_word_list)
    if word:
        return Verdict(Comment.Status.PENDING, f"Contains the moderation word “{word}”")


def moderation_off(submission):
    if not submission.discussion.require_moderation:
        return Verdict(Comment.Status.APPROVED, "Moderation is off")


def known_commenter(submission):
    if not submission.discussion.auto_approve_known_commenters or not submission.email:
        return None
    known = Comment.objects.approved().by_email(submission.email).filter(name__iexact=submission.name.strip())
    if known.exists():
        return Verdict(Comment.Status.APPROVED, "Known commenter")


REFUSALS = [rapid_repeat, duplicate]
VERDICTS = [
    clinic_reply,
    honeypot_filled,
    filled_too_fast,
    disallowed_word,
    form_left_open,
    personal_details,
    too_many_links,
    moderation_word,
    moderation_off,
    known_commenter,
]
DEFAULT_VERDICT = Verdict(Comment.Status.PENDING, "Comments must be approved")


def moderate(submission):
    """Return the verdict on `submission`, or raise CommentRefused."""
    for refusal in REFUSALS:
        refusal(submission)
    for rule in VERDICTS:
        verdict = rule(submission)
        if verdict is not None:
            return verdict
    return DEFAULT_VERDICT
