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
