"""Writes with side effects for redirects."""

import csv
import io

from django.core.exceptions import ValidationError

from .models import Redirect


def redirect_import(text, *, may_replace):
    """Save each valid row of CSV `text` (old,new) as a permanent redirect; return (saved, replaced, refused).

    A row for an old address that already has a redirect replaces it only when `may_replace` (the person may
    change redirects); it is reported either way.
    """
    saved, replaced, refused = [], [], []
    rows = csv.reader(io.StringIO(text.replace("\x00", "")))
    number = 0
    while True:
        number += 1
        try:
            row = next(rows)
        except StopIteration:
            break
        except csv.Error as error:
            refused.append((number, "", f"Not readable as CSV ({error}); the lines after it were not read."))
            break
        if not row or not "".join(row).strip():
            continue
        if number == 1 and row[0].strip().lower() in ("old", "old address", "source", "from"):
            continue
        if len(row) < 2:
            refused.append((number, ",".join(row), "Two columns are needed: old address, new address."))
            continue
        redirect = Redirect(old_path=row[0], new_address=row[1], kind=Redirect.Kind.PERMANENT)
        try:
            redirect.clean()
        except ValidationError as error:
            problems = " ".join(message for messages_ in error.message_dict.values() for message in messages_)
            refused.append((number, ",".join(row), problems))
            continue
        existing = Redirect.objects.filter(old_path=redirect.old_path).first()
        if existing is not None:
            if not may_replace:
                refused.append((number, ",".join(row), f"{existing.old_path} already has a redirect: {existing}."))
                continue
            existing.new_address, existing.kind = redirect.new_address, redirect.kind
            existing.save()
            replaced.append(existing)
            continue
        redirect.save()
        saved.append(redirect)
    return saved, replaced, refused
