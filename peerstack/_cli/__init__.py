"""The `peerstack` command line: a thin shell over the library."""
