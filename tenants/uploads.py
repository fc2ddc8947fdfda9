"""Uploads streamed to disk and stopped as soon as they pass a limit.

Django's own size checks come after the whole body has been received: a 40 MB file was
read in full (and then into memory) before anyone said it was too big. A view that takes
large files sets :class:`LimitedUploadHandler` as the request's only upload handler
**before** anything reads the body, and asks it afterwards whether the upload was stopped::

    @csrf_exempt  # the body must not be read before the handler is set
    def view(request):
        handler = limit_uploads(request, limit=MAX_BYTES)
        return _protected_view(request, handler)  # csrf_protect()ed: reads request.POST

Every file part is written to a temporary file (never kept in memory); the bytes of all
file parts together are counted, and at the first chunk that would pass ``limit`` the
temporary file is closed and deleted and the rest of the body is not read
(``StopUpload(connection_reset=True)``). ``request.FILES`` then holds no file and
``handler.exceeded`` is True: the view answers its own (Japanese) message.

The control-character guard (``tenants.textguard``) leaves multipart bodies of
``csrf_exempt`` views alone, so it does not read the body before the handler is set.
"""

from __future__ import annotations

from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler
from django.http import HttpRequest


class LimitedUploadHandler(TemporaryFileUploadHandler):
    """Files to disk; the upload stops at the first byte past ``limit``."""

    def __init__(self, request: HttpRequest | None = None, *, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        #: file bytes accepted so far (all file parts of the request)
        self.received = 0
        #: the upload passed ``limit`` and was stopped
        self.exceeded = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if self.received + len(raw_data) > self.limit:
            self.exceeded = True
            raise StopUpload(connection_reset=True)
        self.received += len(raw_data)
        return super().receive_data_chunk(raw_data, start)


def limit_uploads(request: HttpRequest, *, limit: int) -> LimitedUploadHandler:
    """Make a :class:`LimitedUploadHandler` the request's only upload handler.

    Must run before anything reads ``request.POST``/``request.FILES`` (Django refuses to
    change handlers after that)."""
    handler = LimitedUploadHandler(request, limit=limit)
    request.upload_handlers = [handler]
    return handler
