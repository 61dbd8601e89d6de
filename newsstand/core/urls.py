"""URL normalisation shared by identity, sanitising and discovery.

Tracking parameters (utm_* and the like) are data, not code: extend `TRACKING_PARAMS` / `TRACKING_PREFIXES`, and
`TRACKING_VALUES` for a parameter that tracks only with some values (`ref=rss`, but `ref=12345` may name a page).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote_plus, urlencode, urljoin, urlsplit, urlunsplit

TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "hmb_", "ga_", "_hs", "oly_", "vero_", "__s")
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gclsrc",
        "msclkid",
        "yclid",
        "igshid",
        "mkt_tok",
        "_ga",
        "_gl",
        "cmpid",
        "ocid",
        "ito",
        "ns_mchannel",
        "ns_source",
        "ns_campaign",
        "ns_linkname",
        "ns_fee",
        "sr_share",
        "at_medium",
        "at_campaign",
        "at_custom1",
        "at_custom2",
        "at_custom3",
        "at_custom4",
        "smid",
        "wt_mc",
        "xtor",
        "soc_src",
        "soc_trk",
        "ref_src",
        "ref_url",
        "s_cid",
        "spm",
        "share",
        "cmp",
        "rss",
        "feedtype",
        "CMP",
        "src",
        "traffic_source",
        "taid",
        "icid",
        "int_source",
        "sh",
        "ncid",
        "partner",
        "guccounter",
    }
)
TRACKING_VALUES = {"ref": frozenset({"rss", "rss2", "feed", "feeds", "atom", "newsletter"})}
_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_tracking_param(name: str, value: str = "") -> bool:
    lowered = name.lower()
    if name in TRACKING_PARAMS or lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES):
        return True
    return value.lower() in TRACKING_VALUES.get(lowered, ())


def strip_tracking(url: str) -> str:
    """The URL without tracking query parameters; everything else kept byte for byte as written (`?c` stays `?c`,
    `%20` stays `%20`, the order stays): the publisher's server may read its query in ways a re-encoding breaks."""
    before_fragment, hash_mark, fragment = url.partition("#")
    head, mark, query = before_fragment.partition("?")
    if not query:
        return url
    fields = query.split("&")
    kept = [field for field in fields if not _is_tracking_field(field)]
    if len(kept) == len(fields):
        return url
    return head + ("?" + "&".join(kept) if kept else "") + hash_mark + fragment


def _is_tracking_field(field: str) -> bool:
    name, _, value = field.partition("=")
    return is_tracking_param(unquote_plus(name), unquote_plus(value))


def absolute(base: str | None, url: str) -> str:
    url = (url or "").strip()
    if not base:
        return url
    try:
        return urljoin(base, url)
    except ValueError:
        return url


def is_http_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in {"http", "https"} and bool(parts.hostname)


def normalize(url: str) -> str:
    """The comparable form of an article URL: lower-case scheme and host, no default port, no fragment,
    no tracking parameters, remaining query sorted. `http` and `https` stay distinct only in storage:
    identity (articles.identity) drops the scheme."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().rstrip(".")
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    netloc = host
    if port and _DEFAULT_PORTS.get(scheme) != port:
        netloc = f"{host}:{port}"
    query = urlencode(
        sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking_param(k, v))
    )
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, query, ""))
