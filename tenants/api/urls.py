from django.urls import path
from rest_framework.routers import SimpleRouter

from tenants.api import views

router = SimpleRouter()
router.register("jobs", views.JobViewSet, basename="job")

urlpatterns = [
    path("me/", views.MeView.as_view(), name="api-me"),
    path("modules/", views.ModuleListView.as_view(), name="api-modules"),
    path("access-log/search/", views.AccessLogSearchView.as_view(), name="api-accesslog-search"),
    path("parameters/<str:key>/", views.ParameterView.as_view(), name="api-parameter"),
    *router.urls,
]

portal_urlpatterns = [
    path(
        "municipalities/", views.PortalMunicipalityList.as_view(), name="api-portal-municipalities"
    ),
]
