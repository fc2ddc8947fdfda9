"""A tiny business module that exists only to prove the module kit: installing it and
adding its catalogue row is all it takes for it to appear in the menu, the URLs, the
OpenAPI document and the unsubscribed-404 walk (tests/test_example_module.py). It is the
walkthrough of docs/architecture.md ("Adding a 業務") in code."""
