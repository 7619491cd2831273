"""Experiments: one module per notebook topic, each running real threads and returning a frozen result."""
