"""The browser fixtures (tests/browser/browser_support.py): one Chromium per session, a context per test."""

from browser_support import browser, context  # noqa: F401 - fixtures, found by pytest here
