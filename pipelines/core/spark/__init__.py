"""The heavy parts on Spark: a session with the project's settings, the extraction, and the marts built by dbt
on Spark and compared with DuckDB's."""
