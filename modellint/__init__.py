"""modellint: a license-compliance linter for machine-learning model repositories."""

__version__ = "0.1.0"
