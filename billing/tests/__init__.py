"""Tests for billing.rules (pure Python: no Django, no database)."""
