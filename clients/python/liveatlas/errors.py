"""Typed errors of the LiveAtlas API, made from its RFC 9457 problem documents."""

from __future__ import annotations

from typing import Any, Dict, Optional


class LiveAtlasError(Exception):
    """An answer of the API that is not a success.

    Attributes are those of the problem document (``application/problem+json``): ``status``,
    ``type`` (a stable slug such as ``/problems/no-model``), ``title``, ``detail`` (what was wrong
    and the remedy), ``incident`` (for unexpected failures: the id the server's log holds too), and
    ``problem`` (the whole document as a dict).
    """

    def __init__(self, status: int, title: str, detail: str, type: str = "about:blank",
                 problem: Optional[Dict[str, Any]] = None, url: Optional[str] = None):
        self.status = status
        self.title = title
        self.detail = detail
        self.type = type
        self.problem = problem or {}
        self.incident = self.problem.get("incident")
        self.url = url
        super().__init__(f"{status} {title}: {detail}" + (f" ({url})" if url else ""))

    @property
    def slug(self) -> str:
        """The last part of ``type``, e.g. ``no-model``."""
        return self.type.rstrip("/").rsplit("/", 1)[-1]


class BadRequest(LiveAtlasError):
    """400: the request is malformed or a value is out of range (``detail`` names it)."""


class Unauthorized(LiveAtlasError):
    """401: no key, an unknown key or an invalid bearer token."""


class Forbidden(LiveAtlasError):
    """403."""


class NotFound(LiveAtlasError):
    """404: an unknown (or not visible) study, cell, job or model."""


class Conflict(LiveAtlasError):
    """409: e.g. a job's result asked before it finished."""


class Gone(LiveAtlasError):
    """410: something that existed is no longer kept."""


class PayloadTooLarge(LiveAtlasError):
    """413: an upload or a request beyond the server's limit (``detail`` names the limit)."""


class UnsupportedMediaType(LiveAtlasError):
    """415."""


class RateLimited(LiveAtlasError):
    """429: too many requests for this key; ``retry_after`` seconds until the next is accepted."""

    retry_after: Optional[float] = None


class ServiceUnavailable(LiveAtlasError):
    """503: no model yet, the reference still loading, or a server behind the API down."""

    retry_after: Optional[float] = None


class ServerError(LiveAtlasError):
    """5xx other than 503: an unexpected failure (``incident`` names it in the server log)."""


class JobFailed(LiveAtlasError):
    """An annotation job ended in ``failed``; ``detail`` is the job's error."""


class Unreachable(LiveAtlasError):
    """The API did not answer at all (not running, wrong URL, or a network failure)."""


_BY_STATUS = {400: BadRequest, 401: Unauthorized, 403: Forbidden, 404: NotFound, 409: Conflict,
              410: Gone, 413: PayloadTooLarge, 415: UnsupportedMediaType, 429: RateLimited,
              503: ServiceUnavailable}


def error_for(status: int, problem: Dict[str, Any], url: str) -> LiveAtlasError:
    """The typed error of an answer with this status and (possibly empty) problem document."""
    cls = _BY_STATUS.get(status, ServerError if status >= 500 else LiveAtlasError)
    title = str(problem.get("title") or f"HTTP {status}")
    detail = str(problem.get("detail") or problem.get("message") or "no detail given")
    return cls(status, title, detail, str(problem.get("type") or "about:blank"), problem, url)
