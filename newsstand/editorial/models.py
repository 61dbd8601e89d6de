"""Editorial models (issue 4)."""
