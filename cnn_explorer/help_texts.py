"""The "What am I looking at?" texts, one HTML file per page in ``resources/help/`` (Qt-free)."""

from .resources import resource_path


def help_text(page_name: str) -> str:
    """The page's help as HTML, or a one-line note if it has none yet."""
    path = resource_path("help", f"{page_name}.html")
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return f"<p>There is no help for the {page_name} page yet.</p>"
