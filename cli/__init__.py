"""The newsflow command line: a thin shell over the flows."""
