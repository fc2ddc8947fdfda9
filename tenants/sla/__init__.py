"""SLA figures: health probes, response times, concurrent users, batch durations
(issue 22 item 3). Models in tenants.models.sla; the portal screen in tenants.views.sla."""
