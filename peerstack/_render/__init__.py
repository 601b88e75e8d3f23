"""Turning a plan into something to read: tables for people, diagrams for docs."""

from peerstack._render.diagrams import to_dot, to_mermaid
from peerstack._render.tables import plan_renderables

__all__ = ["plan_renderables", "to_dot", "to_mermaid"]
