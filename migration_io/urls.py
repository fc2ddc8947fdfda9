from django.urls import path

from migration_io import views

urlpatterns = [
    path("layouts/<slug:code>/", views.layout_detail, name="mio_layout"),
    path("export/", views.export_start, name="mio_export"),
    path("export/<int:pk>/", views.export_result, name="mio_export_result"),
    path("export/<int:pk>/files/<str:name>", views.export_file, name="mio_export_file"),
]

# 外字 → 文字情報基盤 (migration_io.gaiji)
from migration_io.gaiji import views as gaiji_views  # noqa: E402

urlpatterns += [
    path("gaiji/", gaiji_views.gaiji_list, name="mio_gaiji"),
    path("gaiji/csv/", gaiji_views.gaiji_csv, name="mio_gaiji_csv"),
    path("gaiji/<int:pk>/", gaiji_views.gaiji_detail, name="mio_gaiji_detail"),
    path("gaiji/<int:pk>/glyph.png", gaiji_views.gaiji_glyph, name="mio_gaiji_glyph"),
]

# The signed exit bundle (migration_io.bundle) and the EUC extraction (migration_io.euc).
from migration_io.bundle import views as bundle_views  # noqa: E402
from migration_io.euc import views as euc_views  # noqa: E402

urlpatterns += [
    path("bundle/", bundle_views.bundle_list, name="mio_bundle_list"),
    path("bundle/key/", bundle_views.bundle_key, name="mio_bundle_key"),
    path("bundle/<int:pk>/", bundle_views.bundle_detail, name="mio_bundle_detail"),
    path("bundle/<int:pk>/download/", bundle_views.bundle_download, name="mio_bundle_download"),
    path("euc/", euc_views.euc_start, name="mio_euc"),
    path("euc/job/<int:pk>/", euc_views.euc_result, name="mio_euc_result"),
    path("euc/teigi/<int:pk>/delete/", euc_views.euc_teigi_delete, name="mio_euc_teigi_delete"),
    path("euc/job/<int:pk>/download/", euc_views.euc_download, name="mio_euc_download"),
    path("euc/<slug:file_id>/", euc_views.euc_define, name="mio_euc_define"),
]

# the import (migration_io.importer)
from migration_io.importer import views as import_views  # noqa: E402

urlpatterns += [
    path("import/", import_views.import_start, name="mio_import"),
    path("import/<int:pk>/", import_views.import_result, name="mio_import_result"),
    path("import/<int:pk>/report.csv", import_views.import_report_csv, name="mio_import_report"),
]
