"""peerstack's benchmarks: `python -m benchmarks` prints one line per figure, with its target."""
