"""Failed sign-ins slow guessing down without locking a member out.

allauth counts failed sign-ins (``ACCOUNT_RATE_LIMITS["login_failed"]``); MLQA
keys the counts so that nobody can use them against someone else:

* per address: ``10/m/ip``, whatever accounts are tried;
* per account *from one address*: ``5/5m/key`` with the key "login from
  address". Failures from one address never refuse the account's owner
  anywhere else;
* a browser that has signed in to the account before carries a signed cookie
  saying so; its attempts on that account are counted on their own
  (``login_failed_known_browser``), so the owner's usual browser signs in even
  from the address an attacker shares (an office, a carrier's NAT).

Past a limit the answer is a 429 page saying why and what to do (wait, use
a browser used before, or reset the password by e-mail). There is no limit on
the account across all addresses: anyone could then lock the owner out.

The client's address is ``REMOTE_ADDR``, or, behind ``DJANGO_TRUSTED_PROXY_COUNT``
proxies of our own, the address the outermost of them saw in ``X-Forwarded-For``
(``client_ip``: use it wherever the site needs the client's address).
"""

import ipaddress
import unicodedata

from allauth import app_settings as allauth_settings
from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.crypto import salted_hmac

KNOWN_BROWSER_COOKIE = "mlqa_known"
KNOWN_BROWSER_DAYS = 365
KNOWN_BROWSER_ACCOUNTS = 5  # the last accounts signed in to from one browser
_SALT = "accounts.throttle.known-browser"


def client_ip(request: HttpRequest) -> str:
    """The client's address: X-Forwarded-For is trusted only as far as our own
    proxies wrote it (``ALLAUTH_TRUSTED_PROXY_COUNT``, from
    DJANGO_TRUSTED_PROXY_COUNT); anything a client wrote before that is ignored."""
    count = allauth_settings.TRUSTED_PROXY_COUNT
    if count:
        forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",")]
        # Fewer entries than proxies: the request came around them; use the peer.
        if len(forwarded) >= count and (address := _address(forwarded[-count])):
            return address
    return _address(request.META.get("REMOTE_ADDR", "")) or "unknown"


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def login_key(credentials: dict) -> str:
    """The account a sign-in is for, as typed: e-mail or username, normalised."""
    login = credentials.get("email") or credentials.get("username") or ""
    return unicodedata.normalize("NFKC", login).casefold().strip()


def failure_scope(request: HttpRequest, credentials: dict) -> tuple[str, str]:
    """The rate (an ``ACCOUNT_RATE_LIMITS`` action) and key that count this attempt."""
    login = login_key(credentials)
    if _tag(login) in _known_tags(request):
        return "login_failed_known_browser", login
    return "login_failed", f"{login} from {client_ip(request)}"


def too_many_failures(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "429.html",
        {
            "exception": "Too many failed sign-ins from your address. Wait a few "
            "minutes and try again, sign in from a browser you have used before, "
            "or reset your password by e-mail."
        },
        status=429,
    )


def remember_browser(request: HttpRequest, response: HttpResponse, user) -> None:
    """Mark this browser as one the member signs in from (their username and
    e-mail address, as hashes, in a signed cookie)."""
    tags = [_tag(login_key({"username": user.username}))]
    if user.email:
        tags.append(_tag(login_key({"email": user.email})))
    known = [tag for tag in _known_tags(request) if tag not in tags]
    kept = (tags + known)[: KNOWN_BROWSER_ACCOUNTS * 2]
    response.set_cookie(
        KNOWN_BROWSER_COOKIE,
        signing.dumps(kept, salt=_SALT, compress=True),
        max_age=KNOWN_BROWSER_DAYS * 86400,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _tag(login: str) -> str:
    return salted_hmac(_SALT, login, algorithm="sha256").hexdigest()[:20]


def _known_tags(request: HttpRequest) -> list[str]:
    cookie = request.COOKIES.get(KNOWN_BROWSER_COOKIE)
    if not cookie:
        return []
    try:
        tags = signing.loads(cookie, salt=_SALT, max_age=KNOWN_BROWSER_DAYS * 86400)
    except signing.BadSignature:
        return []
    return [tag for tag in tags if isinstance(tag, str)] if isinstance(tags, list) else []
