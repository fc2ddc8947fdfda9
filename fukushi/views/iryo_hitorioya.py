"""ひとり親家庭等医療費助成（業務 hitorioya_iryo）: /fukushi/hitorioya-iryo/ (views.iryo)."""

from fukushi.gyomu import HITORIOYA_IRYO
from fukushi.views.iryo import iryo_views

urlpatterns = iryo_views(HITORIOYA_IRYO, HITORIOYA_IRYO)
