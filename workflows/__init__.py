"""Shipped workflow definitions (TOML). This package holds data only; see engine.definitions."""
