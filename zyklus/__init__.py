"""Entry points of zyklus: the `zyklus` command, configuration and the demo."""
