"""介護保険's job kinds (named in module.py): each file registers its own."""

from kaigo import fuka_jobs, fuka_printjobs, futan_jobs, printjobs

__all__ = ["fuka_jobs", "fuka_printjobs", "futan_jobs", "printjobs"]
