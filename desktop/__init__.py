"""Brugmeter: data entry and findings for evaluations of Mobility Mentoring®."""

__version__ = "0.1.0"
