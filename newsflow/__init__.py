"""newsflow: raw news articles in, validated analysis-ready Parquet out.

The package holds the pure text logic; ``tasks/`` wraps it in Prefect tasks and
``flows/`` strings the tasks into the pipeline.
"""

__version__ = "0.3.0"

# Bumped whenever a change to the code alters what the pipeline writes, so that
# cached per-article results from an older pipeline are never reused.
PIPELINE_VERSION = "2"
