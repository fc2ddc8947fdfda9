"""Staff UI of the platform on a municipality host."""

from django.urls import path

from tenants.views import accesslog, apiclients, auth, grants, home, jobs, params

urlpatterns = [
    path("", home.home, name="home"),
    path("login/", auth.login_view, name="login"),
    path("login/totp/", auth.login_totp_view, name="login_totp"),
    path("logout/", auth.logout_view, name="logout"),
    path("m/<slug:gyomu_code>/", home.module_home, name="module_home"),
    path("jobs/", jobs.job_list, name="job_list"),
    path("jobs/<int:pk>/", jobs.job_detail, name="job_detail"),
    path("jobs/<int:pk>/progress/", jobs.job_progress, name="job_progress"),
    path("jobs/<int:pk>/cancel/", jobs.job_cancel_view, name="job_cancel"),
    path("jobs/<int:pk>/retry/", jobs.job_retry_view, name="job_retry"),
    path("jobs/<int:pk>/files/<int:file_pk>/", jobs.job_file_download, name="job_file"),
    path("jobs/new/accesslog-export/", jobs.accesslog_export_start, name="accesslog_export"),
    path("audit/access-log/", accesslog.accesslog_search, name="accesslog_search"),
    path("settings/api-clients/", apiclients.apiclient_list, name="apiclient_list"),
    path("settings/grants/", grants.grant_list, name="grant_list"),
    path("settings/parameters/", params.municipal_parameters, name="municipal_parameters"),
]
