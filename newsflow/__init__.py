"""newsflow: raw news articles in, validated analysis-ready Parquet out.

The package holds the pure text logic; ``tasks/`` wraps it in Prefect tasks and
``flows/`` strings the tasks into the pipeline.
"""

from importlib.metadata import version

# The installed distribution's version (pyproject.toml), written once: a copy
# here went stale (0.6 and 0.7 recorded themselves as 0.5.0 in runs).
__version__ = version("newsflow")
