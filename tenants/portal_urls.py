"""The consortium portal on the public host."""

from django.urls import path

from tenants.views import auth, portal, sla

urlpatterns = [
    path("", portal.portal_home, name="home"),
    path("login/", auth.login_view, name="login"),
    path("login/totp/", auth.login_totp_view, name="login_totp"),
    path("logout/", auth.logout_view, name="logout"),
    path("members/<str:dantai_code>/", portal.portal_member, name="portal_member"),
    path("members/<str:dantai_code>/backup/", portal.portal_backup, name="portal_backup"),
    path("provision/", portal.portal_provision, name="portal_provision"),
    path("support/", portal.portal_support, name="portal_support"),
    path("sla/", sla.portal_sla, name="portal_sla"),
    path("metrics", sla.metrics, name="metrics"),
]
