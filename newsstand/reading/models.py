"""Reading models (issue 4)."""
