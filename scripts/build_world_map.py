#!/usr/bin/env python3
"""Rebuilds crates/report/data/world.path, the world outline of `newsprep report --html`.

The outline is Natural Earth's 1:110m Admin 0 countries (public domain), as the
geopandas 0.14.4 wheel on PyPI ships it (`geopandas/datasets/naturalearth_lowres`;
geopandas dropped the copy in 1.0, so the version is pinned). The wheel is fetched
with `pip download`, the shapefile read here with the standard library alone, every
ring projected equirectangularly (x = longitude + 180, y = 90 - latitude: one unit a
degree, the report's map projects its circles the same way), points closer than
TOLERANCE degrees to the last one kept dropped, and rings that shrink below four points
left out. The output is one SVG path, about 50 KB, which the report embeds as is.

Usage: python3 scripts/build_world_map.py [OUT]  (needs PyPI through pip)
"""

import io
import pathlib
import struct
import subprocess
import sys
import tempfile
import zipfile

WHEEL = "geopandas==0.14.4"
SHP = "geopandas/datasets/naturalearth_lowres/naturalearth_lowres.shp"
# Degrees: about a pixel and a half on a 1,000-pixel-wide world map (0.36 degrees a
# pixel), where the report's map is rarely wider than 900 pixels.
TOLERANCE = 0.5
OUT = pathlib.Path(__file__).resolve().parent.parent / "crates/report/data/world.path"


def shapefile_rings(data: bytes):
    """The rings of every polygon record of an ESRI shapefile, as lists of (lon, lat)."""
    pos = 100  # the file header
    while pos + 8 <= len(data):
        _, words = struct.unpack(">ii", data[pos : pos + 8])
        content = data[pos + 8 : pos + 8 + 2 * words]
        pos += 8 + 2 * words
        (shape_type,) = struct.unpack("<i", content[:4])
        if shape_type != 5:  # polygon; null shapes carry nothing
            continue
        n_parts, n_points = struct.unpack("<ii", content[36:44])
        parts = struct.unpack(f"<{n_parts}i", content[44 : 44 + 4 * n_parts])
        start = 44 + 4 * n_parts
        flat = struct.unpack(f"<{2 * n_points}d", content[start : start + 16 * n_points])
        points = list(zip(flat[0::2], flat[1::2]))
        bounds = list(parts) + [n_points]
        for a, b in zip(bounds, bounds[1:]):
            yield points[a:b]


def simplified(ring):
    kept = [ring[0]]
    for lon, lat in ring[1:]:
        last = kept[-1]
        if abs(lon - last[0]) >= TOLERANCE or abs(lat - last[1]) >= TOLERANCE:
            kept.append((lon, lat))
    return kept


def num(tenths: int) -> str:
    """Tenths of a degree as SVG writes a number: `-1.5`, `.5`, `12`."""
    sign = "-" if tenths < 0 else ""
    whole, frac = divmod(abs(tenths), 10)
    if frac == 0:
        return f"{sign}{whole}"
    return f"{sign}{whole or ''}.{frac}"


def path_of(rings) -> str:
    parts = []
    for ring in rings:
        ring = simplified(ring)
        if len(ring) < 4:
            continue
        # Relative steps after the first point, in tenths of a degree: half the bytes.
        xy = [(round((lon + 180) * 10), round((90 - lat) * 10)) for lon, lat in ring]
        steps = " ".join(
            f"{num(x - px)},{num(y - py)}" for (px, py), (x, y) in zip(xy, xy[1:])
        )
        parts.append(f"M{num(xy[0][0])},{num(xy[0][1])}l{steps}z")
    return "\n".join(parts) + "\n"


def main() -> None:
    out = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", tmp, WHEEL],
            check=True,
        )
        wheel = next(pathlib.Path(tmp).glob("*.whl"))
        data = zipfile.ZipFile(wheel).read(SHP)
    out.write_text(path_of(shapefile_rings(data)))
    print(f"{out}: {out.stat().st_size} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
