# pyproject.toml has no key for cffi_modules; everything else lives there.
from setuptools import setup

setup(cffi_modules=["csrc/build.py:kernel", "csrc/build.py:drat"])
