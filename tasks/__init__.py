"""Prefect tasks: thin wrappers around newsflow's pure functions.

Tasks take and return whole batches of articles: Prefect costs a few
milliseconds per task run, which is noise per batch and a bottleneck per
sentence. Results are not cached by input (``NO_CACHE``): hashing spaCy
documents and row lists would cost more than it saves.
"""
