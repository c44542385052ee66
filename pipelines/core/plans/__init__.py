"""One plan through the year: the plan each report belongs to, and the plan task each of its tasks is."""
