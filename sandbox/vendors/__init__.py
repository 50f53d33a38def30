"""One package per emulated vendor."""
