"""Python client of the LiveAtlas query API: annotate AnnData against the atlas's labelled reference,
search cells (nearest, radius, centroid), see where cells appear, and fetch the expression of the cells
found as AnnData."""

from .client import Atlas
from .errors import (BadRequest, Conflict, Forbidden, Gone, JobFailed, LiveAtlasError, NotFound,
                     PayloadTooLarge, RateLimited, ServerError, ServiceUnavailable, Unauthorized,
                     UnsupportedMediaType, Unreachable)
from .results import CentroidResult, SearchResult, WhereResult

__version__ = "0.1.0"
__all__ = ["Atlas", "SearchResult", "CentroidResult", "WhereResult", "LiveAtlasError", "BadRequest",
           "Unauthorized", "Forbidden", "NotFound", "Conflict", "Gone", "PayloadTooLarge",
           "UnsupportedMediaType", "RateLimited", "ServiceUnavailable", "ServerError", "JobFailed",
           "Unreachable"]
