"""The bounding-sphere tree finds exactly the segment a brute-force search over every segment finds."""

from __future__ import annotations

import numpy as np
import pytest

from geomap.spheretree import FAN_OUT, LEAF_SEGMENTS, SCAN_BELOW, SegmentTree


def _brute_force(points: np.ndarray, vertices: np.ndarray) -> np.ndarray:
    start, step = vertices[:-1], np.diff(vertices, axis=0)
    gap = points[:, None, :] - start[None, :, :]
    t = np.clip((gap * step).sum(axis=2) / np.maximum((step * step).sum(axis=1), 1e-12), 0.0, 1.0)
    rest = gap - t[:, :, None] * step
    return np.sqrt((rest * rest).sum(axis=2)).min(axis=1)


def _distance_to(points: np.ndarray, vertices: np.ndarray, segment: np.ndarray, fraction: np.ndarray) -> np.ndarray:
    foot = vertices[segment] + fraction[:, None] * (vertices[segment + 1] - vertices[segment])
    return np.sqrt(((points - foot) ** 2).sum(axis=1))


# 1 segment, exactly one leaf, one more than a leaf, one more than a full inner level, and a long line.
@pytest.mark.parametrize("segments", [1, LEAF_SEGMENTS, LEAF_SEGMENTS + 1, LEAF_SEGMENTS * FAN_OUT + 1, 3000])
def test_nearest_segment_is_the_brute_force_nearest(segments):
    rng = np.random.default_rng(segments)
    # A wandering line with spikes, and points near it, far from it and on its vertices.
    vertices = np.cumsum(rng.normal(0, 100.0, (segments + 1, 3)), axis=0)
    vertices[rng.integers(0, segments + 1, max(1, segments // 50))] += rng.normal(0, 2000.0, 3)
    on_line = vertices[:5]
    points = np.vstack([
        vertices[rng.integers(0, segments + 1, 200)] + rng.normal(0, 50.0, (200, 3)),
        rng.uniform(vertices.min(axis=0) - 1e5, vertices.max(axis=0) + 1e5, (200, 3)),
        on_line,
    ])
    tree = SegmentTree(vertices)
    expected = _brute_force(points, vertices)
    for segment, fraction in (tree.walk(points), tree.scan(points), tree.nearest(points[:SCAN_BELOW - 1])):
        assert ((segment >= 0) & (segment < segments)).all() and ((fraction >= 0) & (fraction <= 1)).all()
        found = _distance_to(points[:len(segment)], vertices, segment, fraction)
        np.testing.assert_allclose(found, expected[:len(segment)], rtol=0, atol=1e-6)
    found = _distance_to(points, vertices, *tree.nearest(points))
    assert found[-len(on_line):].max() < 1e-6  # a vertex is on the line


def test_many_points_are_split_over_threads_with_the_same_answer():
    rng = np.random.default_rng(3)
    vertices = np.cumsum(rng.normal(0, 100.0, (500, 3)), axis=0)
    points = rng.uniform(vertices.min(axis=0), vertices.max(axis=0), (120_000, 3))
    tree = SegmentTree(vertices)
    together = tree.nearest(points)
    one_by_one = tree.nearest(points[:1000])
    np.testing.assert_array_equal(together[0][:1000], one_by_one[0])
    np.testing.assert_array_equal(together[1][:1000], one_by_one[1])


def test_a_line_needs_two_vertices():
    with pytest.raises(ValueError, match="at least 2 vertices"):
        SegmentTree(np.zeros((1, 3)))
