"""The refgraph analyzer, shipped as a native binary inside this package.

``refgraph ARGS`` (the console command) and ``python -m refgraph ARGS`` both
run it; :func:`binary` names the file. The exporter is the sibling package
``refgraph_export``."""
import os

__all__ = ['binary']


def binary():
    """Path of the analyzer binary this wheel installed."""
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), '_bin', 'refgraph')
