"""What a batch worker needs, imported once by the fork server that forks
the workers (``flows/warm_workers.py``): Prefect's task engine, the tasks
and the spaCy model of the run's settings, loaded (``NEWSFLOW_MODEL``), and
what draws the evidence pages."""

from __future__ import annotations

import gc

import prefect.task_engine  # noqa: F401
import spacy.displacy  # noqa: F401 - imported by the evidence pages when they draw

import newsflow.article_pages  # noqa: F401
import tasks.batch  # noqa: F401
import tasks.store  # noqa: F401
from newsflow.config import Settings
from newsflow.nlp import load_model

try:
    load_model(Settings().model)
except Exception:  # noqa: BLE001 - a worker loads it again and reports why it cannot
    pass

# What is loaded now lives as long as the workers: the garbage collector
# leaves it alone in them, rather than touching every object and so copying
# the pages they share with this process.
gc.freeze()
