"""`python -m peerstack` is the `peerstack` command."""

from peerstack._cli.app import main

main()
