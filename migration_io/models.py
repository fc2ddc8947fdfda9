"""migration_io's tables (tenant schema): a town's 外字 and their MJ decisions
(migration_io.gaiji). Other parts of the app add theirs here."""

from migration_io.euc.models import EucTeigi
from migration_io.gaiji.models import Gaiji, GaijiKettei

__all__ = ["EucTeigi", "Gaiji", "GaijiKettei"]
