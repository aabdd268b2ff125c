"""A person's data, found by their email address, for access and erasure requests (GDPR articles 15 and 17).

Each app that stores something about people joins from its AppConfig.ready(): `register(name, export=...,
erase=...)`, where `export(email=...)` returns what it keeps (JSON-ready) and `erase(email=...)` removes or
anonymises it and returns how many records it changed. The commands `export_personal_data` and
`erase_personal_data`, and the admin's actions, ask every app through `person_export` and `person_erase`.
"""

from django.db import transaction
from django.utils import timezone

_registry = {}


def register(name, *, export, erase):
    _registry[name] = (export, erase)


def person_export(email):
    """Everything the apps keep about `email`: {"email", "exported_at", and one entry per app}."""
    found = {"email": email, "exported_at": timezone.now().isoformat()}
    for name, (export, _erase) in _registry.items():
        found[name] = export(email=email)
    return found


def person_erase(email):
    """Erase what every app keeps about `email`, all or nothing; return {app entry: records changed}."""
    with transaction.atomic():
        return {name: erase(email=email) for name, (_export, erase) in _registry.items()}
