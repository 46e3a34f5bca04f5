"""The sustainability report as a PDF: the same HTML document, laid out by WeasyPrint for print.

WeasyPrint is an optional extra (``pip install 'zyklus[pdf]'``) with system libraries of its own
(Pango), so it is imported only when a PDF is asked for, and a missing piece is one line saying
how to install it rather than a traceback. The PDF is PDF/UA-1: tagged (headings, lists, tables
and figures as structure for screen readers), its language from ``<html lang>`` and its title
from ``<title>``. Nothing is fetched: the report is self-contained, and a URL in it is refused.
"""

from __future__ import annotations

from engine.errors import NotInstalled
from engine.i18n import Language, m

PDF_VARIANT = "pdf/ua-1"


def _no_fetching(url: str, *args: object, **kwargs: object) -> dict[str, object]:
    """The report needs no file and no network; a reference to one is refused, not followed."""
    raise ValueError(f"the report fetches nothing: {url}")


def html_to_pdf(html: str, lang: Language) -> bytes:
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: the package is there, Pango is not
        raise NotInstalled(m("report.pdf_unavailable", lang, error=str(exc).splitlines()[0] if str(exc) else exc)) \
            from None
    return HTML(string=html, url_fetcher=_no_fetching).write_pdf(pdf_variant=PDF_VARIANT)
