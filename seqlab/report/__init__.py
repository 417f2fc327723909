"""seqlab.report: tables (rich, Markdown, CSV, HTML) and self-contained HTML pages.

Nothing here imports matplotlib; pictures are SVG written by seqlab's own code
(or PNG bytes given by the caller).
"""

from seqlab.report.document import Document
from seqlab.report.html import HtmlPage, ReportPathError, write_text_atomic
from seqlab.report.tables import (
    FORMATS,
    Table,
    check_format,
    format_number,
    render,
    render_tables,
    to_csv,
    to_html,
    to_markdown,
    to_rich,
    to_text,
)

__all__ = [
    "FORMATS",
    "Document",
    "HtmlPage",
    "ReportPathError",
    "Table",
    "check_format",
    "format_number",
    "render",
    "render_tables",
    "to_csv",
    "to_html",
    "to_markdown",
    "to_rich",
    "to_text",
    "write_text_atomic",
]
