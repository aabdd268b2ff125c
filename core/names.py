"""Unique names (slugs, usernames) made from a wished-for one."""

import itertools


def first_free(base, taken, max_length=None):
    """`base`, or `base-2`, `base-3`... the first that `taken(name)` says is free; with `max_length`, `base` is
    shortened to leave room for the number."""
    if not taken(base):
        return base
    for number in itertools.count(2):
        suffix = f"-{number}"
        name = (base[: max_length - len(suffix)] if max_length else base) + suffix
        if not taken(name):
            return name
