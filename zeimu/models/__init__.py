"""Models of 税務 (zeimu). None yet: the calculation rules come first (zeimu/rules)."""
