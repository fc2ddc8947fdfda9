"""請求書 PDF: one member's invoice for one allocation run, with its installments."""

from __future__ import annotations

from billing.forms.pdf import render_pdf
from billing.services.invoices import Invoice

TEMPLATE = "billing/seikyusho_pdf.html"


def seikyusho_pdf(invoice: Invoice) -> bytes:
    return render_pdf(TEMPLATE, {"invoice": invoice})


def seikyusho_filename(invoice: Invoice) -> str:
    """ASCII only (no names): seikyusho_<年度>_<按分番号>_<団体コード>_<支払方法>.pdf."""
    return (
        f"seikyusho_{invoice.fiscal_year}_{invoice.run.pk}_{invoice.member.dantai_code}"
        f"_{invoice.schedule}.pdf"
    )
