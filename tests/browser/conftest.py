"""The browser fixtures (tests/browser/browser_support.py): one Chromium for the browser tests, a context per test."""

from browser_support import browser, context  # noqa: F401 - fixtures, found by pytest here
