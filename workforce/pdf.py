"""Safe, accessible PDF rendering with WeasyPrint, shared by every app (board report, certificates).

WeasyPrint fetches whatever a document points at: stylesheets, images, fonts, SVG references. Our
fetcher allows exactly two kinds of URL and refuses everything else (``file://``, ``http(s)://``, ``ftp:``
and any other scheme), so a template can never read a file from the server's disk or reach the network,
and there is nothing to redirect:

* ``data:`` URLs (charts are embedded as ``<img src="data:image/svg+xml;base64,...">``);
* our own static files, addressed through the internal origin :data:`STATIC_ORIGIN` (the default base
  URL, so ``{% static 'pdf/board-report.css' %}`` in a template resolves to it). They are read through
  the staticfiles finders (development, tests) or the staticfiles storage (after collectstatic), never
  from a path the document chose.

``render_pdf`` produces a tagged PDF/UA-1 document with its language and title set (see DESIGN.md, 5).
"""

from __future__ import annotations

import logging
import mimetypes
import posixpath
import re
from urllib.parse import unquote, urlsplit, uses_netloc, uses_relative
from urllib.request import DataHandler, Request

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage

logger = logging.getLogger(__name__)

# An internal scheme for our static files: not a network URL, so no request ever leaves the process.
STATIC_SCHEME = "llr-static"
STATIC_ORIGIN = f"{STATIC_SCHEME}://portal/"
# Let urllib join relative URLs ("/static/x.css") against the internal origin as it does for https.
for _registry in (uses_relative, uses_netloc):
    if STATIC_SCHEME not in _registry:
        _registry.append(STATIC_SCHEME)

# The biggest single resource we are willing to load (a font or a large chart).
MAX_RESOURCE_BYTES = 10 * 1024 * 1024
_SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9.+-]*):")


class UnsafeURLError(ValueError):
    """A document asked for a URL the PDF renderer does not load."""


def _weasyprint():
    # Imported lazily: WeasyPrint loads Pango at import time, which most requests never need.
    import weasyprint

    return weasyprint


def static_path_for(url: str) -> str:
    """The static file path (relative to STATIC_URL) an internal static URL names, or UnsafeURLError."""
    parts = urlsplit(url)
    if parts.scheme != STATIC_SCHEME or parts.netloc != "portal":
        raise UnsafeURLError(f"Refusing to load {url!r}: not one of our static files.")
    static_prefix = urlsplit(settings.STATIC_URL).path
    path = unquote(parts.path)
    if not path.startswith(static_prefix):
        raise UnsafeURLError(f"Refusing to load {url!r}: outside {static_prefix}.")
    relative = path[len(static_prefix) :]
    normalised = posixpath.normpath(relative)
    if (
        not relative
        or normalised != relative
        or normalised.startswith(("../", "/"))
        or normalised == ".."
        or "\\" in relative
        or "\x00" in relative
    ):
        raise UnsafeURLError(f"Refusing to load {url!r}: not a plain static file path.")
    return normalised


def _read_static(path: str) -> bytes:
    found = finders.find(path)
    if found:
        with open(found, "rb") as handle:
            data = handle.read(MAX_RESOURCE_BYTES + 1)
    elif staticfiles_storage.exists(path):
        with staticfiles_storage.open(path) as handle:
            data = handle.read(MAX_RESOURCE_BYTES + 1)
    else:
        raise UnsafeURLError(f"Static file {path!r} does not exist.")
    if len(data) > MAX_RESOURCE_BYTES:
        raise UnsafeURLError(f"Static file {path!r} is larger than {MAX_RESOURCE_BYTES} bytes.")
    return data


def _fetcher_class():
    weasyprint = _weasyprint()
    from weasyprint.urls import URLFetcherResponse

    class SafeURLFetcher(weasyprint.URLFetcher):
        """Loads our static files and ``data:`` URLs; refuses every other URL (and so every redirect)."""

        def __init__(self):
            # No network handlers are ever used: fetch() below never calls urllib's opener.
            super().__init__(allowed_protocols=("data", STATIC_SCHEME), allow_redirects=False)

        def fetch(self, url, headers=None):
            match = _SCHEME_RE.match(url or "")
            scheme = match[1].lower() if match else ""
            if scheme == "data":
                response = DataHandler().data_open(Request(url))  # noqa: S310 (data: only)
                body = response.read(MAX_RESOURCE_BYTES + 1)
                if len(body) > MAX_RESOURCE_BYTES:
                    raise UnsafeURLError("Refusing a data: URL larger than the resource limit.")
                return URLFetcherResponse(url, body, {"Content-Type": response.headers["Content-Type"]})
            if scheme == STATIC_SCHEME:
                path = static_path_for(url)
                content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
                return URLFetcherResponse(url, _read_static(path), {"Content-Type": content_type})
            logger.warning("PDF renderer refused to load a URL", extra={"url": (url or "")[:200]})
            raise UnsafeURLError(f"Refusing to load {(url or '')[:200]!r}: only static files and data: URLs.")

        def open(self, url, data=None, timeout=None):
            # urllib's OpenerDirector.open would follow handlers (file, http, redirects): never use it.
            return self.fetch(url.full_url if isinstance(url, Request) else url)

    return SafeURLFetcher


def safe_url_fetcher():
    """A WeasyPrint URL fetcher that only loads our static files and ``data:`` URLs."""
    return _fetcher_class()()


def render_pdf(
    html: str,
    *,
    base_url: str = STATIC_ORIGIN,
    title: str | None = None,
    lang: str | None = None,
    stylesheets: list | None = None,
) -> bytes:
    """Render our own HTML to a tagged PDF/UA-1 document and return its bytes.

    ``html`` must come from our templates. The document's ``<html lang>`` and ``<title>`` give the PDF
    its language and title; ``title`` / ``lang`` are a check: a PDF/UA document must have both, so a
    missing one raises ``ValueError`` rather than producing an inaccessible file.
    """
    weasyprint = _weasyprint()
    document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=safe_url_fetcher())
    rendered = document.render(stylesheets=stylesheets, pdf_variant="pdf/ua-1", pdf_tags=True)
    metadata = rendered.metadata
    if title:
        metadata.title = title
    if lang:
        metadata.lang = lang
    if not metadata.title:
        raise ValueError("A PDF/UA document needs a title: give the template a <title> or pass title=.")
    if not metadata.lang:
        raise ValueError('A PDF/UA document needs a language: give the template <html lang="..."> or lang=.')
    return rendered.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
