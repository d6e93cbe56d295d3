"""Where the tests find the API and the repository."""

import os
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[3]
CLIENT = ROOT / "clients" / "python"
EXAMPLE = ROOT / "infra" / "demo" / "kang_muscat" / "kang_muscat_demo.h5ad"
URL = os.environ.get("LIVEATLAS_URL", "http://127.0.0.1:8090")

try:  # the installed package when the tests run in its virtual environment, else the checkout
    import liveatlas  # noqa: F401
except ImportError:
    sys.path.insert(0, str(CLIENT))


def readme_session() -> str:
    """The Python block under "A notebook session" of the client's README."""
    text = (CLIENT / "README.md").read_text(encoding="utf-8")
    section = text.split("## A notebook session", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    if match is None:
        raise AssertionError("README.md has no ```python block under 'A notebook session'")
    return match.group(1)
