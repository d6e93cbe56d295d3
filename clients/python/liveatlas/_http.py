"""The HTTP transport: urllib only, JSON and multipart bodies, problem documents to typed errors."""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Any, Dict, Iterable, Iterator, List, Optional, Tuple

from .errors import LiveAtlasError, RateLimited, ServiceUnavailable, Unreachable, error_for

USER_AGENT = "liveatlas-python/0.1.0"


class Answer:
    """One HTTP answer: status, headers (lower-case names) and body bytes."""

    def __init__(self, status: int, headers: Dict[str, str], body: bytes, url: str):
        self.status = status
        self.headers = headers
        self.body = body
        self.url = url

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))

    def retry_after(self, default: float) -> float:
        value = self.headers.get("retry-after")
        try:
            return max(0.0, float(value)) if value is not None else default
        except ValueError:
            return default


class Multipart:
    """A multipart/form-data body streamed from its parts, files read in 1 MiB chunks."""

    def __init__(self, fields: List[Tuple[str, str]], files: List[Tuple[str, str, str]]):
        self.boundary = "liveatlas-" + uuid.uuid4().hex
        self._pieces: List[Any] = []
        for name, value in fields:
            self._pieces.append(self._head(name) + b"\r\n" + value.encode("utf-8") + b"\r\n")
        for name, path, filename in files:
            head = self._head(name, filename) + b"Content-Type: application/octet-stream\r\n\r\n"
            self._pieces += [head, path, b"\r\n"]
        self._pieces.append(f"--{self.boundary}--\r\n".encode("ascii"))

    def _head(self, name: str, filename: Optional[str] = None) -> bytes:
        disposition = f'form-data; name="{name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
        text = f"--{self.boundary}\r\nContent-Disposition: {disposition}\r\n"
        return text.encode("utf-8")

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={self.boundary}"

    def __len__(self) -> int:
        return sum(os.path.getsize(p) if isinstance(p, str) else len(p) for p in self._pieces)

    def __iter__(self) -> Iterator[bytes]:
        for piece in self._pieces:
            if isinstance(piece, str):
                with open(piece, "rb") as f:
                    while True:
                        chunk = f.read(1 << 20)
                        if not chunk:
                            break
                        yield chunk
            else:
                yield piece


class Transport:
    """Sends requests to one API base URL with one credential.

    A 429 (rate limit) or a 503 that carries ``Retry-After`` (e.g. the reference still loading) is
    retried after the time the server asks for, as long as the total wait stays within ``patience``
    seconds; any other error answer raises its typed :class:`~liveatlas.errors.LiveAtlasError`.
    """

    def __init__(self, url: str, api_key: Optional[str], token: Optional[str], timeout: float,
                 patience: float):
        self.base = url.rstrip("/")
        self.api_key = api_key
        self.token = token
        self.timeout = timeout
        self.patience = patience

    def url(self, path: str, query: Optional[Dict[str, Any]] = None) -> str:
        url = path if path.startswith("http") else self.base + path
        if query:
            pairs = [(k, str(v)) for k, v in query.items() if v is not None]
            if pairs:
                url += ("&" if "?" in url else "?") + urllib.parse.urlencode(pairs)
        return url

    def request(self, method: str, path: str, *, query: Optional[Dict[str, Any]] = None,
                json_body: Any = None, multipart: Optional[Multipart] = None,
                accept: str = "application/json") -> Answer:
        url = self.url(path, query)
        waited = 0.0
        while True:
            answer = self._once(method, url, json_body, multipart, accept)
            if answer.status < 400:
                return answer
            retryable = answer.status == 429 or (answer.status == 503 and "retry-after" in answer.headers)
            pause = answer.retry_after(1.0)
            if retryable and waited + pause <= self.patience:
                time.sleep(pause)
                waited += pause
                continue
            raise self._error(answer)

    def _once(self, method: str, url: str, json_body: Any, multipart: Optional[Multipart],
              accept: str) -> Answer:
        headers = {"Accept": accept, "User-Agent": USER_AGENT}
        if self.api_key:
            headers["X-API-Key"] = self.api_key
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        data: Optional[Iterable[bytes]] = None
        if json_body is not None:
            data = json.dumps(json_body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        elif multipart is not None:
            data = multipart
            headers["Content-Type"] = multipart.content_type
            headers["Content-Length"] = str(len(multipart))
        req = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                return Answer(resp.status, _lower(resp.headers), resp.read(), url)
        except urllib.error.HTTPError as e:
            return Answer(e.code, _lower(e.headers), e.read() or b"", url)
        except (urllib.error.URLError, ConnectionError, TimeoutError) as e:
            reason = getattr(e, "reason", e)
            raise Unreachable(0, "API unreachable",
                              f"no answer from {self.base} ({reason}); is the platform running "
                              f"(./atlas up, ./atlas status) and is the URL right?", url=url) from e

    @staticmethod
    def _error(answer: Answer) -> LiveAtlasError:
        try:
            problem = answer.json()
            if not isinstance(problem, dict):
                problem = {"detail": str(problem)}
        except (ValueError, UnicodeDecodeError):
            problem = {"detail": answer.body[:500].decode("utf-8", "replace").strip() or "no body"}
        error = error_for(answer.status, problem, answer.url)
        if isinstance(error, (RateLimited, ServiceUnavailable)):
            error.retry_after = answer.retry_after(0.0) if "retry-after" in answer.headers else None
        return error


def _lower(headers: Any) -> Dict[str, str]:
    return {k.lower(): v for k, v in headers.items()} if headers is not None else {}
