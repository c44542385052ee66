"""The warehouse files: the staging tables' contracts, DuckDB connections, what each table was built from,
one refresh's build and its atomic publish."""
