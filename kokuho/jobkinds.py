"""国民健康保険's job kinds (named in module.py): each file registers its own."""

from kokuho import printjobs, whatif_job

__all__ = ["printjobs", "whatif_job"]
