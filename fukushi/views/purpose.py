"""The 利用目的 a clerk gave before opening a 要配慮 record (a 手帳, a 手当, a 支給決定, a
受給者証, a 生活保護 case), kept in the session per record for a while, so that the record's
other pages (its PDF, its history) do not ask again; after that the purpose is asked anew.
Every read is still logged with the purpose in force (tenants.accesslog.reads)."""

from __future__ import annotations

import time

from django.http import HttpRequest

#: how long a purpose given for a record stays in force
PURPOSE_SECONDS = 30 * 60


class PurposeSession:
    """The purposes of one kind of record, under ``session_key`` of the clerk's session."""

    def __init__(self, session_key: str, seconds: int = PURPOSE_SECONDS) -> None:
        self.session_key = session_key
        self.seconds = seconds

    def get(self, request: HttpRequest, key: str | int) -> str:
        """The purpose given for the record ``key``, or "" when none is in force."""
        stored = request.session.get(self.session_key, {}).get(str(key))
        if not stored:
            return ""
        purpose, at = stored
        return "" if time.time() - float(at) > self.seconds else str(purpose)

    def put(self, request: HttpRequest, key: str | int, purpose: str) -> None:
        stored = dict(request.session.get(self.session_key, {}))
        stored[str(key)] = [purpose, time.time()]
        request.session[self.session_key] = stored
