"""Billing meters: named counts a module offers per member and period (see registry)."""
