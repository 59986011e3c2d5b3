"""The hostile-input gate for listing and store URLs, run before any marketplace matching.

A complaint's URL is written by whoever files it, so it is read as an attacker would write
it. :func:`inspect_url` accepts only a plain ``http``/``https`` URL whose host is an ASCII DNS
name, and splits it into a :class:`SafeUrl`; everything a browser, a server and a reviewer
might read differently is a :class:`UrlProblem` instead:

- text a reader cannot see or that reorders what they see (whitespace, control characters,
  zero-width and bidirectional-override characters);
- text parsers disagree on (backslashes, which browsers read as ``/``; a missing or extra
  ``//``; ``user@`` before the host; malformed percent escapes);
- hosts that are not what they look like: IP addresses in any notation (``3232235777``,
  ``0x7f.1``), internationalised names (``taobao.com`` spelled with a Cyrillic
  U+0430 for its ``a``, or the ``xn--`` form of such a name), percent-encoded names, empty labels;
- a non-default port, and paths with dot segments that a server would collapse.

Only after these checks is :func:`urllib.parse.urlsplit` run, and its answer must agree with
the gate's own reading of the host, or the URL is malformed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal
from urllib.parse import unquote_plus, urlsplit

__all__ = ["MAX_URL_LENGTH", "SafeUrl", "UrlProblem", "inspect_url"]

MAX_URL_LENGTH = 2048
"""Longest URL accepted, in characters (the complaint model's own limit)."""


class UrlProblem(StrEnum):
    """Why a URL was refused before any marketplace looked at it."""

    too_long = "too_long"
    whitespace = "whitespace"
    control_character = "control_character"
    backslash = "backslash"
    missing_scheme = "missing_scheme"
    not_http = "not_http"
    malformed = "malformed"
    userinfo = "userinfo"
    port = "port"
    ip_host = "ip_host"
    idn_host = "idn_host"
    percent_encoded_host = "percent_encoded_host"
    bad_host = "bad_host"
    path_traversal = "path_traversal"
    ambiguous_query = "ambiguous_query"

    @property
    def description(self) -> str:
        """The problem in plain words, for a finding's message."""
        return _DESCRIPTIONS[self]


_DESCRIPTIONS: dict[UrlProblem, str] = {
    UrlProblem.too_long: f"the URL is longer than {MAX_URL_LENGTH} characters",
    UrlProblem.whitespace: "the URL contains a space, tab or line break",
    UrlProblem.control_character: (
        "the URL contains an invisible, control or text-direction character"
    ),
    UrlProblem.backslash: "the URL contains a backslash, which browsers read as a slash",
    UrlProblem.missing_scheme: "the URL does not start with http:// or https://",
    UrlProblem.not_http: "the URL is not a web address (only http:// and https:// are accepted)",
    UrlProblem.malformed: "the URL is not well formed",
    UrlProblem.userinfo: (
        "the URL has a user name or password before the host (text before an @), "
        "which hides the real host"
    ),
    UrlProblem.port: "the URL names a port other than the standard one",
    UrlProblem.ip_host: "the URL's host is an IP address, not a marketplace domain",
    UrlProblem.idn_host: (
        "the URL's host has non-ASCII or punycode (xn--) characters that can imitate "
        "a marketplace domain"
    ),
    UrlProblem.percent_encoded_host: "the URL's host is percent-encoded",
    UrlProblem.bad_host: "the URL's host is not a valid domain name",
    UrlProblem.path_traversal: (
        "the URL's path has '.' or '..' segments or encoded slashes that change where it leads"
    ),
    UrlProblem.ambiguous_query: "the URL gives the listing id parameter more than once",
}

# Characters that render as nothing, or reorder the text around them, without being
# whitespace or a Unicode control/format character: Hangul fillers, the braille blank,
# the combining grapheme joiner. Format characters (zero-width, bidi, BOM) are caught by
# their category.
_INVISIBLE = frozenset({0x034F, 0x115F, 0x1160, 0x2800, 0x3164, 0xFFA0})
_REJECTED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_ASCII_FORBIDDEN = re.compile(r"[\x00-\x20\x7f\\]")

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_DEFAULT_PORTS: dict[str, int] = {"http": 80, "https": 443}
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_PORT = re.compile(r"[0-9]{1,5}")
_HOST_CHARACTERS = re.compile(r"[a-z0-9.\-]+")
_NUMERIC_LABEL = re.compile(r"[0-9]+|0x[0-9a-f]*")
_DOT_SEGMENT = re.compile(r"(?:\.|%2e){1,2}", re.IGNORECASE)
_ENCODED_SEPARATOR = re.compile(r"%(?:2f|5c)", re.IGNORECASE)
_MAX_HOST_LENGTH = 253
_MAX_LABEL_LENGTH = 63


@dataclass(frozen=True)
class SafeUrl:
    """A URL that passed :func:`inspect_url`, split into the parts marketplaces match on.

    ``host`` is lower case; ``path``, ``query`` and ``fragment`` are the raw text, with
    percent escapes left as written.
    """

    text: str
    scheme: Literal["http", "https"]
    host: str
    path: str
    query: str
    fragment: str
    port: int | None = None

    def query_values(self, key: str) -> tuple[str, ...]:
        """The raw values of every query parameter whose (decoded) name is ``key``.

        Names are decoded as a server decodes them, so ``%69d=1`` counts as ``id``; values
        are returned as written.
        """
        values: list[str] = []
        for piece in self.query.split("&"):
            name, _, value = piece.partition("=")
            if piece and unquote_plus(name) == key:
                values.append(value)
        return tuple(values)


def inspect_url(text: str) -> SafeUrl | UrlProblem:
    """Split ``text`` into a :class:`SafeUrl`, or say why it cannot be trusted.

    Never raises: any text at all yields one or the other.
    """
    if len(text) > MAX_URL_LENGTH:
        return UrlProblem.too_long
    problem = _character_problem(text)
    if problem is not None:
        return problem
    scheme_match = _SCHEME.match(text)
    if scheme_match is None:
        return UrlProblem.missing_scheme
    scheme = scheme_match.group()[:-1].lower()
    if scheme not in _DEFAULT_PORTS:
        return UrlProblem.not_http
    rest = text[scheme_match.end() :]
    if not rest.startswith("//") or _BAD_ESCAPE.search(text):
        return UrlProblem.malformed
    authority = re.split(r"[/?#]", rest[2:], maxsplit=1)[0]
    checked = _check_authority(authority, _DEFAULT_PORTS[scheme])
    if isinstance(checked, UrlProblem):
        return checked
    host, port = checked
    try:
        parts = urlsplit(text)
        agrees = parts.hostname == host and parts.port == port and parts.netloc == authority
    except ValueError:
        return UrlProblem.malformed
    if not agrees:
        return UrlProblem.malformed
    if _has_traversal(parts.path):
        return UrlProblem.path_traversal
    return SafeUrl(
        text=text,
        scheme="https" if scheme == "https" else "http",
        host=host,
        path=parts.path,
        query=parts.query,
        fragment=parts.fragment,
        port=port,
    )


def _character_problem(text: str) -> UrlProblem | None:
    """The problem with the first character a URL must never contain, if any."""
    if text.isascii():
        found = _ASCII_FORBIDDEN.search(text)
        return None if found is None else _classify(found.group())
    for character in text:
        problem = _classify(character)
        if problem is not None:
            return problem
    return None


def _classify(character: str) -> UrlProblem | None:
    if character == "\\":
        return UrlProblem.backslash
    if character.isspace():
        return UrlProblem.whitespace
    if ord(character) in _INVISIBLE or unicodedata.category(character) in _REJECTED_CATEGORIES:
        return UrlProblem.control_character
    return None


def _check_authority(authority: str, default_port: int) -> tuple[str, int | None] | UrlProblem:
    """The lower-case host and explicit port of ``authority``, or what is wrong with it."""
    if not authority:
        return UrlProblem.malformed
    if "@" in authority:
        return UrlProblem.userinfo
    if "[" in authority or "]" in authority:
        return UrlProblem.ip_host
    if "%" in authority:
        return UrlProblem.percent_encoded_host
    if authority.count(":") > 1:
        return UrlProblem.malformed
    raw_host, colon, raw_port = authority.partition(":")
    host_problem = _host_problem(raw_host)
    if host_problem is not None:
        return host_problem
    port: int | None = None
    if colon:
        if not _PORT.fullmatch(raw_port):
            return UrlProblem.malformed
        port = int(raw_port)
        if port != default_port:
            return UrlProblem.port
    return raw_host.lower(), port


def _host_problem(raw_host: str) -> UrlProblem | None:
    # ASCII is checked before lower-casing: "\u212a".lower() is an ASCII "k".
    if not raw_host.isascii():
        return UrlProblem.idn_host
    host = raw_host.lower()
    if not _HOST_CHARACTERS.fullmatch(host):
        return UrlProblem.bad_host
    labels = host.split(".")
    last = labels[-1] or (labels[-2] if len(labels) > 1 else "")
    if _NUMERIC_LABEL.fullmatch(last):
        # What a browser's IPv4 parser takes for an address: 3232235777, 0x7f.1, 0177.0.0.1.
        return UrlProblem.ip_host
    if any(label.startswith("xn--") for label in labels):
        return UrlProblem.idn_host
    if len(host) > _MAX_HOST_LENGTH or any(
        not label or len(label) > _MAX_LABEL_LENGTH or label.startswith("-") or label.endswith("-")
        for label in labels
    ):
        return UrlProblem.bad_host
    return None


def _has_traversal(path: str) -> bool:
    if _ENCODED_SEPARATOR.search(path):
        return True
    return any(_DOT_SEGMENT.fullmatch(segment) for segment in path.split("/"))
