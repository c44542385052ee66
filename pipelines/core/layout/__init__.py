"""A grid -> a report's tasks: title and header, each column's role, rows into tasks, the report's identity,
and the cells normalised as staged."""
