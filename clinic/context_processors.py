from .models import clinic_settings


def site(request):
    """The clinic's settings (name, contact details, links) for every template."""
    clinic = clinic_settings(request)
    return {"clinic": clinic, "site_name": clinic.name, "site_tagline": clinic.tagline}
