"""Prefect flows of newsflow."""
