"""workforce.pdf: WeasyPrint loads only our static files and data: URLs, and writes tagged PDF/UA."""

import base64
import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.staticfiles import finders
from pypdf import PdfReader

from workforce.pdf import STATIC_ORIGIN, UnsafeURLError, render_pdf, safe_url_fetcher, static_path_for


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def page_html(head: str = "", body: str = "<p>Hello board</p>") -> str:
    return (
        f'<!DOCTYPE html><html lang="en-GB"><head><title>Test paper</title>{head}</head>'
        f"<body>{body}</body></html>"
    )


@pytest.fixture
def extra_static(tmp_path, settings):
    """A static directory of our own with a stylesheet that prints a marker (positive control)."""
    (tmp_path / "pdf-test").mkdir()
    (tmp_path / "pdf-test" / "marker.css").write_text('body::after { content: "STATIC-MARKER-OK"; }')
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, str(tmp_path)]
    finders.get_finder.cache_clear()
    yield tmp_path
    finders.get_finder.cache_clear()


@pytest.fixture
def loopback_server():
    """An HTTP server on 127.0.0.1 that counts every request; /redirect answers 302."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            if self.path.startswith("/redirect"):
                self.send_response(302)
                self.send_header("Location", STATIC_ORIGIN + "static/pdf-test/marker.css")
                self.end_headers()
                return
            body = b'body::after { content: "NETWORK-MARKER"; }'
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


def test_fetcher_loads_static_files_through_the_finders():
    response = safe_url_fetcher()(STATIC_ORIGIN + "static/js/nhsuk-init.js")
    assert b"import" in response.read()
    assert response.content_type in {"text/javascript", "application/javascript"}


def test_fetcher_loads_data_urls():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>'
    url = "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
    response = safe_url_fetcher()(url)
    assert response.read() == svg
    assert response.content_type == "image/svg+xml"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/hostname",
        "http://127.0.0.1:9/x.css",
        "https://example.org/font.woff2",
        "ftp://example.org/x",
        "llr-static://elsewhere/static/js/nhsuk-init.js",
        "llr-static://portal/etc/passwd",
        "llr-static://portal/static/../llr_academy/settings/base.py",
        "llr-static://portal/static/%2e%2e/manage.py",
        "llr-static://portal/static/vendor/../../manage.py",
        "llr-static://portal/static/does-not-exist.css",
        "javascript:alert(1)",
        "/static/js/nhsuk-init.js",
    ],
)
def test_fetcher_refuses_everything_else(url):
    with pytest.raises(UnsafeURLError):
        safe_url_fetcher()(url)


def test_static_path_for_strips_the_prefix():
    assert static_path_for(STATIC_ORIGIN + "static/pdf/board-report.css") == "pdf/board-report.css"


def test_relative_static_urls_resolve_against_the_internal_origin(extra_static):
    html = page_html('<link rel="stylesheet" href="/static/pdf-test/marker.css">')
    assert "STATIC-MARKER-OK" in pdf_text(render_pdf(html))


def test_file_urls_are_not_read(tmp_path):
    secret = tmp_path / "secret.css"
    secret.write_text('body::after { content: "FILE-MARKER-LEAKED"; }')
    (tmp_path / "secret.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text y="9">X</text></svg>'
    )
    html = page_html(
        f'<link rel="stylesheet" href="file://{secret}">',
        f'<p>Body</p><img alt="leak" src="file://{tmp_path / "secret.svg"}">',
    )
    text = pdf_text(render_pdf(html))
    assert "Body" in text
    assert "FILE-MARKER-LEAKED" not in text


def test_http_urls_and_redirects_never_reach_the_network(loopback_server, extra_static):
    base, hits = loopback_server
    html = page_html(
        f'<link rel="stylesheet" href="{base}/plain.css">'
        f'<link rel="stylesheet" href="{base}/redirect">'
        f'<style>@import url("{base}/imported.css");'
        f' @font-face {{ font-family: x; src: url("{base}/f.woff"); }}</style>',
        f'<p style="font-family: x">Body</p><img alt="remote" src="{base}/img.png">',
    )
    text = pdf_text(render_pdf(html))
    assert "Body" in text
    assert hits == []  # not one request: plain, redirect, import, font or image
    assert "NETWORK-MARKER" not in text
    # The redirect target (one of our static files) is not loaded via the redirect either.
    assert "STATIC-MARKER-OK" not in text


def test_the_fetcher_does_not_follow_a_redirect_when_asked_directly(loopback_server):
    base, hits = loopback_server
    with pytest.raises(UnsafeURLError):
        safe_url_fetcher()(f"{base}/redirect")
    assert hits == []


def test_render_pdf_writes_a_tagged_pdf_ua_document_with_language_and_title():
    data = render_pdf(page_html(body="<h1>Board paper</h1><p>Turnover 9.8%</p>"))
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    assert reader.metadata.title == "Test paper"
    # The PDF/UA identification in the XMP metadata.
    assert b"pdfuaid:part" in root["/Metadata"].get_object().get_data()
    assert "Turnover 9.8%" in pdf_text(data)


def test_render_pdf_refuses_a_document_without_title_or_language():
    with pytest.raises(ValueError, match="title"):
        render_pdf('<html lang="en"><body>x</body></html>')
    with pytest.raises(ValueError, match="language"):
        render_pdf("<html><head><title>t</title></head><body>x</body></html>")
