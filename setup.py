"""Package discovery: every folder under geomap/ and data/ is found, so none can be left out of the wheel.

All metadata lives in pyproject.toml. What it cannot say is that the top-level ``data/``
folder installs as the package ``geomap.data`` with all of its sub-folders. Namespace
discovery finds folders of data files (``geomap/static``, ``data/curated``) as packages too,
and pyproject's package-data then names the file types each may hold.
"""

from setuptools import find_namespace_packages, setup

_SKIP = ["*__pycache__*", "*.egg-info*"]
code = find_namespace_packages(include=["geomap", "geomap.*"], exclude=_SKIP)
# data/vendor holds the build's inputs (make data reads them), not what geomap reads at run time.
data = [f"geomap.data.{name}" for name in find_namespace_packages(where="data", exclude=[*_SKIP, "vendor*"])]

setup(packages=[*code, "geomap.data", *data], package_dir={"geomap.data": "data"})
