"""Helpers for testing topologies: under Pulumi's mocks, or deployed into an emulation.

Public on purpose: users import this in their own test suites.
"""
