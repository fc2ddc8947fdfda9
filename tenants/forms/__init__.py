"""Form fields and widgets every module's screens share (和暦 dates, …)."""
