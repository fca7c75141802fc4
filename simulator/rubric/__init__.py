"""Scoring replies against stage principles, and the session report."""
