"""Jinja2 for the HTML report and the Markdown summary (templates/ at the project's root)."""
from __future__ import annotations

from datetime import datetime, timezone
from importlib import resources
from pathlib import Path

import jinja2

from ..results import Result


def template_dir() -> Path:
    source = Path(__file__).resolve().parents[2] / "templates"  # a checkout or an editable install
    if source.is_dir():
        return source
    return Path(str(resources.files("evidence") / "templates"))  # a wheel: packaged beside the code


def human_size(n: int | None) -> str:
    if n is None:
        return ""
    size = float(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{n} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return str(size)


def utc(value: datetime | None) -> str:
    if value is None:
        return "-"
    if value.utcoffset() is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def _markdown_cell(value) -> str:
    """Text safe inside a Markdown table cell (GitHub renders some HTML: escape it)."""
    text = str(value if value is not None else "")
    for a, b in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("|", "\\|"), ("\r", " "), ("\n", " ")):
        text = text.replace(a, b)
    return text


def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(template_dir()),
                             autoescape=jinja2.select_autoescape(["html", "html.j2"]),
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True)
    env.filters.update(size=human_size, utc=utc, short=lambda h: (h or "")[:12],
                       slug=lambda s: "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in s),
                       md=_markdown_cell)
    env.globals["results"] = tuple(Result)
    return env


def render(template: str, **context) -> str:
    return environment().get_template(template).render(**context)
