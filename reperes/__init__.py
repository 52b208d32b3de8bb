"""Repères: a workbench for a PLIE to evaluate what it does and rewrite its protocol on evidence."""

__version__ = "0.1.0"
