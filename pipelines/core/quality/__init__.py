"""Great Expectations between stages: the frame each suite checks, and running the saved suites."""
