"""CK Scene Studio engine: the headless pipeline behind the `ck` command (no Qt here)."""
