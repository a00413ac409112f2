"""The compiled geodesic solver against pyproj's (Karney's), everywhere on the globe."""

import numpy as np
import pytest

from geomap import geodesy
from geomap.geodesy import GEOD, distance_km


def _pairs(rng, n):
    lon1, lat1 = rng.uniform(-180, 180, n), rng.uniform(-90, 90, n)
    lon2, lat2 = rng.uniform(-180, 180, n), rng.uniform(-90, 90, n)
    near = slice(0, n // 4)  # pairs a few km to a few hundred km apart, as the join measures
    lon2[near] = lon1[near] + rng.normal(0, 1.5, n // 4)
    lat2[near] = np.clip(lat1[near] + rng.normal(0, 1.5, n // 4), -90, 90)
    antipodal = slice(n // 4, n // 4 + 500)  # where Vincenty's iteration may not converge
    lon2[antipodal] = lon1[antipodal] + 180 + rng.normal(0, 0.2, 500)
    lat2[antipodal] = -lat1[antipodal] + rng.normal(0, 0.2, 500)
    lat2 = np.clip(lat2, -90, 90)
    return lon1, lat1, lon2, lat2


def test_compiled_solver_agrees_with_pyproj_to_a_tenth_of_a_millimetre():
    rng = np.random.default_rng(7)
    n = geodesy.COMPILED_ABOVE * 2
    lon1, lat1, lon2, lat2 = _pairs(rng, n)
    same = slice(n - 100, n)  # the same point twice
    lon2[same], lat2[same] = lon1[same], lat1[same]
    measured = distance_km(lon1, lat1, lon2, lat2)
    reference = GEOD.inv(lon1, lat1, lon2, lat2)[2] / 1000
    assert np.isfinite(measured).all()
    assert np.abs(measured - reference).max() < 1e-7  # km: 0.1 mm
    assert (measured[same] == 0).all()


def test_small_and_large_inputs_measure_alike():
    rng = np.random.default_rng(11)
    lon1, lat1, lon2, lat2 = _pairs(rng, geodesy.COMPILED_ABOVE + 1)
    large = distance_km(lon1, lat1, lon2, lat2)
    small = np.concatenate([distance_km(lon1[i:i + 1000], lat1[i:i + 1000], lon2[i:i + 1000], lat2[i:i + 1000])
                            for i in range(0, len(lon1), 1000)])
    assert np.abs(large - small).max() < 1e-7  # km: the pyproj path (small) and the compiled one (large)


@pytest.mark.parametrize("n", [3, geodesy.COMPILED_ABOVE + 3])
def test_missing_coordinates_give_nan_not_an_error(n):
    lon = np.full(n, 70.0)
    lat = np.full(n, 33.0)
    lat[1] = np.nan
    out = distance_km(lon, lat, 71.0, 34.0)
    assert np.isnan(out[1]) and np.isfinite(np.delete(out, 1)).all()
