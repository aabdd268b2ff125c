from django import template

from blog.forms import form_timestamp
from core.pagecache import carry_fresh_token

from ..forms import SubscribeForm

register = template.Library()

# An article page has the form twice (after the article, in the footer): each region needs a name of its own.
TITLES = {"article": "Enjoyed this article? Get new ones by email"}


@register.inclusion_tag("newsletter/includes/subscribe_form.html", takes_context=True)
def subscribe_form(context, place):
    """“Get new articles by email” at `place` (footer, article): ids of its own, the page's fresh token."""
    request = context.get("request")
    token = getattr(request, "page_cache_fresh_token", None)
    if token is None:
        token = form_timestamp(None)
        if request is not None:
            carry_fresh_token(request, token)
    return {
        "subscribe_form": SubscribeForm(place=place, initial={"started": token}),
        "place": place,
        "title": TITLES.get(place),
    }
