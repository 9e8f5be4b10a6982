"""newsflow: raw news articles in, validated analysis-ready Parquet out.

The package holds the pure text logic; ``tasks/`` wraps it in Prefect tasks and
``flows/`` strings the tasks into the pipeline.
"""

__version__ = "0.5.0"
