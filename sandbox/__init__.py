"""campaign-sandbox: a local, stateful emulator of four vendors' campaign APIs."""

__version__ = "0.1.0"
