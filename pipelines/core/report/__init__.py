"""The achievement report: the self-contained HTML page a person reads after each refresh."""
