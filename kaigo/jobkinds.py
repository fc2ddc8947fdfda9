"""介護保険's job kinds (named in module.py): each file registers its own."""

from kaigo import futan_jobs, printjobs

__all__ = ["futan_jobs", "printjobs"]
