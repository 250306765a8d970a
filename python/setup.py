# Shim for old pip/setuptools (Python 2.7, 3.6); metadata is in setup.cfg.
from setuptools import setup

setup()
