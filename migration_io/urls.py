from django.urls import path

from migration_io import views

urlpatterns = [
    path("layouts/<slug:code>/", views.layout_detail, name="mio_layout"),
    path("export/", views.export_start, name="mio_export"),
    path("export/<int:pk>/", views.export_result, name="mio_export_result"),
    path("export/<int:pk>/files/<str:name>", views.export_file, name="mio_export_file"),
]
