"""Serve a built site as a plain static host would, under its subpath, with a 404 page per language."""

from __future__ import annotations

import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Self
from urllib.parse import unquote, urlsplit

from site_build import DEFAULT_LANGUAGE, LANGUAGE_ROOT


class _Handler(SimpleHTTPRequestHandler):
    site_path = "/"  # the subpath the site is served under, e.g. /docs/aster/

    def log_message(self, format, *args) -> None:  # the tests look at what the browser saw
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """A missing page gets the 404 page of its language, as the README's nginx example does."""
        path = unquote(urlsplit(self.path).path)
        if code != 404 or not path.startswith(self.site_path):
            return super().send_error(code, message, explain)
        inside = path[len(self.site_path) :]
        language = next(
            (lang for lang, root in LANGUAGE_ROOT.items() if root and inside.startswith(root)), DEFAULT_LANGUAGE
        )
        page = Path(self.directory, self.site_path.strip("/"), LANGUAGE_ROOT[language], "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)


class _Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        """A browser that stops reading (a page closed mid-load) is not an error of the site."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class SiteServer:
    def __init__(self, root: Path, port: int, site_path: str) -> None:
        handler = type("Handler", (_Handler,), {"site_path": site_path})
        self._server = _Server(("127.0.0.1", port), partial(handler, directory=str(root)))
        self.origin = f"http://127.0.0.1:{port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
