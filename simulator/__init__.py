"""Kohtaamo: a role-play simulator for practising encounter-based client work."""

__version__ = "0.1.0"
