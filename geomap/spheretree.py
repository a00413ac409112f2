"""Exact nearest segment of a 3-D polyline for many points: a tree of bounding spheres.

The polyline's segments are cut into runs of :data:`LEAF_SEGMENTS` consecutive segments;
each run gets a sphere that holds all its vertices (and so its segments), and runs are
grouped :data:`FAN_OUT` at a time into parent spheres up to one root. A point's search
walks the tree nearest sphere first and skips every sphere whose nearest possible point
(distance to its centre minus its radius) is no nearer than the best segment found so far.
No sphere that could hold a nearer segment is skipped, so the answer is the exact nearest
segment by straight-line distance, for points near the line and a thousand km away alike.

The walk is compiled with numba and runs without the GIL, one thread per core. Fewer than
:data:`SCAN_BELOW` points are answered in numpy instead, testing the leaf runs that could
hold the nearest segment: loading the compiled walk (~1 s) would cost more than it saves.
"""

from __future__ import annotations

import numpy as np

from geomap.compiled import nogil
from geomap.geodesy import in_parallel

#: Segments in one leaf run of the tree.
LEAF_SEGMENTS = 16
#: Children of each inner sphere.
FAN_OUT = 8
#: Below this many points, :meth:`SegmentTree.scan` (numpy) answers instead of the compiled walk.
SCAN_BELOW = 1_000
#: Points handed to one thread at a time.
_CHUNK = 50_000


class SegmentTree:
    """Bounding-sphere tree over the segments of a polyline given as an (n, 3) vertex array."""

    def __init__(self, vertices: np.ndarray) -> None:
        vertices = np.asarray(vertices, dtype=float)
        if len(vertices) < 2:
            raise ValueError(f"a polyline needs at least 2 vertices, got {len(vertices)}")
        self._origin = vertices.mean(axis=0)  # centred coordinates keep squared distances well inside float64
        self._start = vertices[:-1] - self._origin
        self._step = np.diff(vertices, axis=0)
        self._step_sq = np.maximum((self._step * self._step).sum(axis=1), 1e-12)
        centres, radii = [], []
        first, last = _leaf_runs(len(vertices) - 1)
        centre, radius = _spheres(vertices - self._origin, first, last)
        while True:
            centres.append(centre)
            radii.append(radius)
            if len(centre) == 1:
                break
            first, last = first[::FAN_OUT], np.append(last[FAN_OUT - 1::FAN_OUT], last[-1])[:len(first[::FAN_OUT])]
            centre, radius = _spheres(vertices - self._origin, first, last)
        # Level 0 is the root; each level's children start at FAN_OUT * index in the next.
        # Flattened root first: level k's spheres are rows offsets[k]..offsets[k+1]-1.
        self._centres = np.ascontiguousarray(np.vstack(centres[::-1]))
        self._radii = np.concatenate(radii[::-1])
        self._offsets = np.cumsum([0] + [len(r) for r in radii[::-1]])

    def nearest(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each point, the nearest segment's index and the foot's fraction (0-1) along it."""
        points = np.asarray(points, dtype=float)
        return self.scan(points) if len(points) < SCAN_BELOW else self.walk(points)

    def walk(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`nearest` by walking the tree (compiled; any number of points)."""
        points = np.ascontiguousarray(np.asarray(points, dtype=float) - self._origin)
        segment = np.empty(len(points), dtype=np.int64)
        fraction = np.empty(len(points))
        walk = nogil(_walk)

        def run(part: slice) -> None:
            walk(points[part], self._start, self._step, self._step_sq, self._centres, self._radii, self._offsets,
                 LEAF_SEGMENTS, FAN_OUT, segment[part], fraction[part])

        in_parallel(run, len(points), _CHUNK)
        return segment, fraction

    def scan(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`nearest` in numpy, one point at a time (for a few points, where loading the walk costs more).

        Only the leaf runs whose sphere could hold a nearer point than the farthest reach of
        the nearest sphere are tested, segment by segment: exact, like the walk.
        """
        points = np.asarray(points, dtype=float) - self._origin
        leaves = slice(self._offsets[-2], self._offsets[-1])
        centres, radii = self._centres[leaves], self._radii[leaves]
        within = np.arange(LEAF_SEGMENTS)
        segment = np.empty(len(points), dtype=np.int64)
        fraction = np.empty(len(points))
        for row, point in enumerate(points):
            reach = np.sqrt(((centres - point) ** 2).sum(axis=1))
            runs = np.flatnonzero(reach - radii <= (reach + radii).min())
            candidates = (runs[:, None] * LEAF_SEGMENTS + within).ravel()
            candidates = candidates[candidates < len(self._start)]
            gap = point - self._start[candidates]
            step = self._step[candidates]
            t = np.clip((gap * step).sum(axis=1) / self._step_sq[candidates], 0.0, 1.0)
            rest = gap - t[:, None] * step
            best = int((rest * rest).sum(axis=1).argmin())
            segment[row], fraction[row] = candidates[best], t[best]
        return segment, fraction


def _leaf_runs(segments: int) -> tuple[np.ndarray, np.ndarray]:
    """First and last vertex of each leaf run: segments i..i+LEAF_SEGMENTS-1 span vertices i..i+LEAF_SEGMENTS."""
    first = np.arange(0, segments, LEAF_SEGMENTS)
    return first, np.minimum(first + LEAF_SEGMENTS, segments)


def _spheres(vertices: np.ndarray, first: np.ndarray, last: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A sphere around vertices[first[i]..last[i]] for each i (runs in order, each ending where the next begins).

    The centre is the middle of the run's bounding box; the radius reaches its farthest vertex.
    """
    # reduceat sums first[i]..first[i+1]-1; each run's last vertex is added on its own.
    low = np.minimum(np.minimum.reduceat(vertices, first, axis=0), vertices[last])
    high = np.maximum(np.maximum.reduceat(vertices, first, axis=0), vertices[last])
    centres = (low + high) / 2
    owner = np.repeat(np.arange(len(first)), np.diff(np.append(first, len(vertices))))
    reach = np.sqrt(((vertices - centres[owner]) ** 2).sum(axis=1))
    tail = np.sqrt(((vertices[last] - centres) ** 2).sum(axis=1))
    radii = np.maximum(np.maximum.reduceat(reach, first), tail)
    # Rounding must never make a sphere too small to hold its vertices.
    return centres, radii * (1 + 1e-12) + 1e-6


def _walk(points, start, step, step_sq, centres, radii, offsets, leaf_segments, fan_out, segment_out, fraction_out):
    levels = len(offsets) - 1
    segments = len(start)
    stack_level = np.empty(levels * fan_out + 1, dtype=np.int64)
    stack_node = np.empty(levels * fan_out + 1, dtype=np.int64)
    stack_bound = np.empty(levels * fan_out + 1)
    child_bound = np.empty(fan_out)
    order = np.empty(fan_out, dtype=np.int64)
    for i in range(len(points)):
        px, py, pz = points[i, 0], points[i, 1], points[i, 2]
        best_sq = np.inf
        best_segment = 0
        best_t = 0.0
        depth = 1
        stack_level[0] = 0
        stack_node[0] = 0
        stack_bound[0] = 0.0
        while depth > 0:
            depth -= 1
            if stack_bound[depth] > 0.0 and stack_bound[depth] * stack_bound[depth] >= best_sq:
                continue
            level = stack_level[depth]
            node = stack_node[depth]
            if level == levels - 1:  # a leaf run: test its segments exactly
                for s in range(node * leaf_segments, min(node * leaf_segments + leaf_segments, segments)):
                    ax, ay, az = px - start[s, 0], py - start[s, 1], pz - start[s, 2]
                    bx, by, bz = step[s, 0], step[s, 1], step[s, 2]
                    t = (ax * bx + ay * by + az * bz) / step_sq[s]
                    t = min(max(t, 0.0), 1.0)
                    dx, dy, dz = ax - t * bx, ay - t * by, az - t * bz
                    gap = dx * dx + dy * dy + dz * dz
                    if gap < best_sq:
                        best_sq, best_segment, best_t = gap, s, t
                continue
            base = offsets[level + 1]
            first = node * fan_out
            count = min(fan_out, offsets[level + 2] - base - first)
            for c in range(count):
                row = base + first + c
                cx, cy, cz = px - centres[row, 0], py - centres[row, 1], pz - centres[row, 2]
                child_bound[c] = np.sqrt(cx * cx + cy * cy + cz * cz) - radii[row]
            # Push the farthest first, so the nearest sphere is searched first and tightens the bound.
            for k in range(count):  # insertion sort of at most FAN_OUT children, no allocation
                order[k] = k
                j = k
                while j > 0 and child_bound[order[j - 1]] > child_bound[order[j]]:
                    order[j - 1], order[j] = order[j], order[j - 1]
                    j -= 1
            for k in range(count - 1, -1, -1):
                c = order[k]
                bound = child_bound[c]
                if bound > 0.0 and bound * bound >= best_sq:
                    continue
                stack_level[depth] = level + 1
                stack_node[depth] = first + c
                stack_bound[depth] = bound
                depth += 1
        segment_out[i] = best_segment
        fraction_out[i] = best_t
