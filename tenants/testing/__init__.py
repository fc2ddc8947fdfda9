"""Test helpers every app may use (the platform's, so no app imports another's tests)."""
