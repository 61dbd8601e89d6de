"""Search models (issue 4)."""
