from django.urls import path

from migration_io import views

urlpatterns = [
    path("layouts/<slug:code>/", views.layout_detail, name="mio_layout"),
    path("export/", views.export_start, name="mio_export"),
    path("export/<int:pk>/", views.export_result, name="mio_export_result"),
    path("export/<int:pk>/files/<str:name>", views.export_file, name="mio_export_file"),
]

# the import (migration_io.importer)
from migration_io.importer import views as import_views  # noqa: E402

urlpatterns += [
    path("import/", import_views.import_start, name="mio_import"),
    path("import/<int:pk>/", import_views.import_result, name="mio_import_result"),
    path("import/<int:pk>/report.csv", import_views.import_report_csv, name="mio_import_report"),
]
