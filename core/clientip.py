"""The client's address, decided in one place: comments, the flood limit, login lockouts and logs use it.

Behind a reverse proxy every connection comes from the proxy, and the client's address is in
`X-Forwarded-For`, to which each proxy appends the address it was connected from. Anyone can send that header
too, so it is read only when the connection comes from a proxy the operator trusts (`TRUSTED_PROXIES`, from
DJANGO_TRUSTED_PROXIES), and walked from the right: the nearest address that is not itself a trusted proxy
is the client. Whatever a client wrote into the header itself lies further left and is never reached.
"""

import ipaddress

from django.conf import settings


def _address(text):
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    return getattr(address, "ipv4_mapped", None) or address


def _trusted(address):
    return any(address in network for network in settings.TRUSTED_PROXIES)


def client_ip(request):
    """The address of the client that sent `request`, as a string (None if the server gave none)."""
    nearest = _address(request.META.get("REMOTE_ADDR") or "")
    if nearest is None:
        return None
    if _trusted(nearest):
        for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
            address = _address(hop)
            if address is None:
                break
            nearest = address
            if not _trusted(address):
                break
    return str(nearest)
