"""子ども医療費助成（乳幼児医療, 業務 nyuyoji_iryo）: /fukushi/kodomo-iryo/ (fukushi.views.iryo)."""

from fukushi.gyomu import NYUYOJI_IRYO
from fukushi.views.iryo import iryo_views

urlpatterns = iryo_views(NYUYOJI_IRYO, "kodomo_iryo")
