"""pytest fixtures for peerstack users (registered through the `pytest11` entry point)."""
