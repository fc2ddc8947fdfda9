"""Mass printing for every module: the Typst engine (``engine``) and the print-job
framework (``jobs``). Documents issued one at a time use WeasyPrint (``tenants.pdf``)."""
