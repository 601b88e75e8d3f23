"""Helpers shared by the test suite: paths, the fake `pulumi`, checks of mocked runs."""
