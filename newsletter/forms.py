import time
from functools import cached_property

from django import forms
from django.core import signing

from blog.forms import FORM_TIMESTAMP_MAX_AGE, FORM_TIMESTAMP_SALT

from .models import Subscriber

# A person needs longer than this to type an address and press the button; bots do not.
MIN_SECONDS_TO_SUBMIT = 2


class SubscribeForm(forms.Form):
    """“Get new articles by email”. Its shown-at token is the comment form's kind (blog.forms), so that a stored
    page renews one token for both forms (core.pagecache.fresh_token)."""

    email = forms.EmailField(
        label="Email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Please enter your email address.",
            "invalid": "Please enter a valid email address, like name@example.com.",
        },
    )
    frequency = forms.ChoiceField(
        label="Send me",
        choices=Subscriber.Frequency.choices,
        initial=Subscriber.Frequency.EACH,
        widget=forms.RadioSelect,
    )
    started = forms.CharField(required=False, widget=forms.HiddenInput)
    # Hidden from people by CSS; bots that fill every field give themselves away.
    phone = forms.CharField(label="Leave this field empty", required=False, max_length=100)

    def __init__(self, *args, place="page", **kwargs):
        super().__init__(*args, auto_id=f"id_{place}_subscribe_%s", **kwargs)
        self.fields["phone"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    @property
    def looks_automated(self):
        """Filled by a bot: the hidden field has text, or the form came back without a token of ours."""
        return bool(self.cleaned_data.get("phone")) or self.shown_at is None

    @property
    def sent_in_time(self):
        """Whether it came back as a person sends it: not sooner than one can type, not over a day later (a tab
        left open overnight). Otherwise the person is asked to press Subscribe once more, never dropped silently."""
        return MIN_SECONDS_TO_SUBMIT <= time.time() - self.shown_at <= FORM_TIMESTAMP_MAX_AGE

    @cached_property
    def shown_at(self):
        """When the form was shown (its signed token), or None without a valid token of ours."""
        try:
            _article_id, shown_at = signing.loads(self.cleaned_data.get("started") or "", salt=FORM_TIMESTAMP_SALT)
        except (signing.BadSignature, TypeError, ValueError):
            return None
        return shown_at if isinstance(shown_at, (int, float)) else None
