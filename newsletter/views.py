from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from blog.forms import form_timestamp
from core.clientip import client_ip
from core.optin import BadLink

from .forms import SubscribeForm
from .models import Subscriber
from .services import (
    subscriber_change,
    subscriber_confirm,
    subscriber_from_link,
    subscriber_subscribe,
    subscriber_unsubscribe,
)


@method_decorator([never_cache, csrf_exempt], name="dispatch")
class SubscribeView(View):
    """The subscribe form's POST (from any page, stored ones too: anonymous, so no CSRF token, as comments), and
    its own page for when the address needs fixing. Whatever the address, the same answer follows."""

    def get(self, request):
        return self.form_page(SubscribeForm(initial={"started": form_timestamp(None)}))

    def post(self, request):
        form = SubscribeForm(request.POST)
        if not form.is_valid():
            return self.form_page(form, status=400)
        if form.looks_automated:
            return redirect("newsletter:check-inbox")
        if not form.sent_in_time:
            again = {**form.cleaned_data, "started": form_timestamp(None)}
            return self.form_page(SubscribeForm(initial=again), once_more=True)
        subscriber_subscribe(
            email=form.cleaned_data["email"], frequency=form.cleaned_data["frequency"], ip_address=client_ip(request)
        )
        return redirect("newsletter:check-inbox")

    def form_page(self, form, status=200, once_more=False):
        context = {"subscribe_form": form, "once_more": once_more}
        return render(self.request, "newsletter/subscribe.html", context, status=status)


@never_cache
def check_inbox(request):
    return render(request, "newsletter/check_inbox.html")


@never_cache
def confirm(request, token):
    try:
        subscriber, confirmed = subscriber_confirm(token=token)
    except BadLink as bad:
        return render(request, "newsletter/confirm.html", {"bad_link": bad.reason}, status=400)
    return render(request, "newsletter/confirm.html", {"subscriber": subscriber, "confirmed": confirmed})


@method_decorator([never_cache, csrf_exempt], name="dispatch")
class ManageView(View):
    """From the link in any email: how often, or no more. The signed link is the authority, as for unsubscribing:
    no CSRF token (a reader opening it from their mail program has no cookie of ours), no login."""

    def get(self, request, token):
        try:
            subscriber = subscriber_from_link(token)
        except BadLink as bad:
            return render(request, "newsletter/manage.html", {"bad_link": bad.reason}, status=400)
        return self.page(subscriber, token)

    def post(self, request, token):
        try:
            subscriber = subscriber_from_link(token)
        except BadLink as bad:
            return render(request, "newsletter/manage.html", {"bad_link": bad.reason}, status=400)
        frequency = request.POST.get("frequency")
        if frequency not in Subscriber.Frequency.values:
            return self.page(subscriber, token, error="Please choose how often you want our emails.", status=400)
        subscriber_change(subscriber=subscriber, frequency=frequency)
        return self.page(subscriber, token, saved=True)

    def page(self, subscriber, token, status=200, **context):
        context.update(subscriber=subscriber, token=token, frequencies=Subscriber.Frequency.choices)
        return render(self.request, "newsletter/manage.html", context, status=status)


@method_decorator([never_cache, csrf_exempt], name="dispatch")
class UnsubscribeView(View):
    """The unsubscribe link of every email: a page with a button, and the POST mail programs send for their own
    Unsubscribe button (RFC 8058). The signed link is the authority: no CSRF token, no login, usable again."""

    def get(self, request, token):
        try:
            subscriber = subscriber_from_link(token)
        except BadLink as bad:
            return render(request, "newsletter/unsubscribe.html", {"bad_link": bad.reason}, status=400)
        return render(request, "newsletter/unsubscribe.html", {"subscriber": subscriber, "token": token})

    def post(self, request, token):
        try:
            subscriber = subscriber_unsubscribe(subscriber=subscriber_from_link(token))
        except BadLink as bad:
            return render(request, "newsletter/unsubscribe.html", {"bad_link": bad.reason}, status=400)
        return render(
            request, "newsletter/unsubscribe.html", {"subscriber": subscriber, "token": token, "stopped": True}
        )
