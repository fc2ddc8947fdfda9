"""Billing REST API: the office's endpoints at /api/v1/portal/billing/ on the portal host,
a member's own statements at /api/v1/billing/ on its town host. One module per area."""

from billing.api import pools, runs, simulator

portal_urlpatterns = [
    *pools.portal_urlpatterns,
    *runs.portal_urlpatterns,
    *simulator.portal_urlpatterns,
]
member_urlpatterns = [
    *pools.member_urlpatterns,
    *runs.member_urlpatterns,
    *simulator.member_urlpatterns,
]
