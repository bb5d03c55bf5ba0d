"""One HTTP server on 127.0.0.1 in a thread, for the test servers (blogs, links, WebSub hub)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@contextmanager
def serving(handler_for: Callable[[str], type[BaseHTTPRequestHandler]]) -> Iterator[str]:
    """Serve on a free port; `handler_for(base_url)` makes the handler once the port is known.
    Yields the base URL (`http://127.0.0.1:PORT`); the server stops when the block ends."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    httpd.daemon_threads = True
    url = f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.RequestHandlerClass = handler_for(url)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield url
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()
