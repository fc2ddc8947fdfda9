from django.urls import path

from tests.example_module.views import mihon_home

urlpatterns = [path("", mihon_home, name="mihon_home")]
