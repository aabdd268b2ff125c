import time

from django import forms
from django.core import signing
from django.core.validators import URLValidator

from .models import Comment, CommentSubscription, staff_member

FORM_TIMESTAMP_SALT = "blog.comment-form-started"
# A form older than this is treated like one without a token: a token cannot be replayed for ever.
FORM_TIMESTAMP_MAX_AGE = 24 * 3600


def form_timestamp(article_id):
    """A signed record of when the comment form of article `article_id` was shown (for the minimum-time rule)."""
    return signing.dumps([article_id, time.time()], salt=FORM_TIMESTAMP_SALT)


def renewed_form_timestamp(timestamp):
    """A fresh `form_timestamp()` for the article `timestamp` was made for: each page cache hit carries one.

    None for a token this site can no longer read (SECRET_KEY replaced since the page was stored)."""
    try:
        return form_timestamp(signing.loads(timestamp, salt=FORM_TIMESTAMP_SALT)[0])
    except signing.BadSignature:
        return None


def seconds_since(timestamp, *, article):
    """Seconds since the form of `article` was shown; None when the token is missing, forged or made for another
    article. A genuine token older than FORM_TIMESTAMP_MAX_AGE gives its age: moderation holds such comments."""
    try:
        article_id, shown_at = signing.loads(timestamp, salt=FORM_TIMESTAMP_SALT)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if article_id != article.pk or not isinstance(shown_at, (int, float)):
        return None
    return time.time() - shown_at


class CommentForm(forms.Form):
    """The "Leave a reply" form. Field names are the plain ones browsers autofill."""

    # The order the form shows them in (WordPress's), which the error summary follows.
    field_order = ["body", "name", "email", "url", "consent", "remember", "follow", "follow_scope"]

    name = forms.CharField(
        label="Name",
        max_length=245,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": "Please enter your name."},
    )
    email = forms.EmailField(
        label="Email",
        max_length=100,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Please enter your email address. It will not be published.",
            "invalid": "Please enter a valid email address, like name@example.com.",
        },
    )
    url = forms.URLField(
        label="Website",
        max_length=200,
        required=False,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
        error_messages={"invalid": "Please enter a website address starting with http:// or https://."},
    )
    body = forms.CharField(
        label="Comment",
        max_length=65525,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 45}),
        error_messages={
            "required": "Please write your comment.",
            "max_length": "Your comment is too long: at most %(limit_value)d characters, it has %(show_value)d.",
        },
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    consent = forms.BooleanField(
        label="I agree that the clinic stores my name, email and comment to publish and moderate it.",
        error_messages={"required": "Please agree to the storing of your comment so that we can publish it."},
    )
    remember = forms.BooleanField(
        label="Save my name, email, and website in this browser for the next time I comment.", required=False
    )
    follow = forms.BooleanField(label="Notify me of follow-up comments by email", required=False)
    follow_scope = forms.ChoiceField(
        label="Which ones",
        choices=CommentSubscription.Scope.choices,
        initial=CommentSubscription.Scope.REPLIES,
        required=False,
        widget=forms.RadioSelect,
    )
    started = forms.CharField(required=False, widget=forms.HiddenInput)
    # Hidden from people by CSS; bots that fill every field give themselves away.
    phone = forms.CharField(label="Leave this field empty", required=False, max_length=100)

    def __init__(self, *args, article, comments_open, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.article = article
        self.comments_open = comments_open
        self.staff = staff_member(user)
        if self.staff is not None:
            for field in ("name", "email", "consent"):
                self.fields[field].required = False
        self.fields["phone"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
        if not self.is_bound:
            self.initial.setdefault("started", form_timestamp(article.pk))

    def clean_parent(self):
        parent_id = self.cleaned_data.get("parent")
        if parent_id is None:
            return None
        parent = Comment.objects.approved().filter(pk=parent_id, article=self.article).first()
        if parent is None:
            raise forms.ValidationError(
                "The comment you are replying to is not published on this article. Your reply was not sent."
            )
        return parent

    def clean(self):
        cleaned_data = super().clean()
        if not self.comments_open:
            raise forms.ValidationError("Comments are closed on this article.", code="closed")
        return cleaned_data

    @property
    def followed(self):
        """What the commenter asked to be notified of (a CommentSubscription.Scope), or None."""
        if not self.cleaned_data.get("follow") or self.staff is not None:
            return None
        return self.cleaned_data.get("follow_scope") or CommentSubscription.Scope.REPLIES

    @property
    def replying_to(self):
        """The comment this form answers (the valid parent, or the one asked for by a Reply link)."""
        if self.is_bound:
            return self.cleaned_data.get("parent") if hasattr(self, "cleaned_data") else None
        return self.initial.get("parent_comment")
