"""The module kit: how a business app declares itself and how the platform finds it."""
