"""High-level helpers (demo, inference)."""
