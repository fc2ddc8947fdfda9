"""税務 staff screens, mounted at /zeimu/ on a town host."""

from zeimu.views import fuka, shisan

urlpatterns = [*shisan.urlpatterns, *fuka.urlpatterns]
