"""Gazetteers of the parsers (package data)."""
