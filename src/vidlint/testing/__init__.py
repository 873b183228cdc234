"""Helpers for testing pipelines that use vidlint, offline (see ``vidlint.testing.fake_api``)."""
