"""Billing URLs: the office's screens on the portal, a member's own on its host."""

from django.urls import path

from billing.views import invoices, member, pools, portal, simulator

portal_urlpatterns = [
    path("", portal.billing_home, name="billing_home"),
    path("runs/<int:pk>/", portal.billing_run, name="billing_run"),
    path("runs/<int:pk>/csv/", portal.billing_run_csv, name="billing_run_csv"),
    path(
        "runs/<int:pk>/<str:dantai_code>/statement.pdf",
        portal.billing_statement_pdf,
        name="billing_statement_pdf",
    ),
    *pools.portal_urlpatterns,
    *simulator.portal_urlpatterns,
    *invoices.portal_urlpatterns,
]

member_urlpatterns = [
    path("", member.my_statements, name="my_statements"),
    path("<int:pk>/statement.pdf", member.my_statement_pdf, name="my_statement_pdf"),
    *invoices.member_urlpatterns,
]
