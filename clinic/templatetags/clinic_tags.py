from django import template
from django.utils.safestring import mark_safe

from clinic.theme import DEFAULT_BRAND_COLOR, csp_hash, theme_css

register = template.Library()


@register.simple_tag(takes_context=True)
def theme_style(context):
    """The clinic's colours as an inline <style>, allowed by its hash in the page's Content-Security-Policy.

    Inline, because a second stylesheet request would delay the first paint on phones; its content is
    computed from a validated #rrggbb colour only, never from free text.
    """
    clinic = context.get("clinic")
    css = theme_css(clinic.brand_color if clinic else DEFAULT_BRAND_COLOR)
    request = context.get("request")
    if request is not None:
        request.csp_style_hashes = {*getattr(request, "csp_style_hashes", ()), csp_hash(css)}
    return mark_safe(f"<style>{css}</style>")  # noqa: S308 (made of validated hex colours)
