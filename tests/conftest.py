"""What several test modules share: fixtures (the sample cases they share are plain data in cases.py)."""
import pytest

from pipeline import IN_CI


def have_dask() -> bool:
    try:
        import distributed  # noqa: F401
        return True
    except ImportError:
        return False


@pytest.fixture(scope="module")
def cluster():
    """A real Dask cluster of two worker processes, for the module that asks for it."""
    if not have_dask():
        if IN_CI:
            pytest.fail("CI=true but dask is not installed: .ci/run must install the dask extra")
        pytest.skip("dask is not installed")
    from distributed import LocalCluster
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as c:
        yield c
