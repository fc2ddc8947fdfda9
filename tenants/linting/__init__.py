"""Custom import-linter contract types (run by ``lint-imports``, see pyproject.toml)."""
