# Prints what h5py sees of a NeXus file as JSON: every group's attributes, every dataset's
# shape, dtype, attributes and values, soft and external links with their targets (as
# `<path>@link`). A link that does not resolve fails the script.
import json
import sys

import h5py
import numpy


def plain(value):
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, numpy.ndarray):
        return [plain(v) for v in value.tolist()] if value.dtype.kind in "OS" else value.tolist()
    if isinstance(value, numpy.generic):
        return value.item()
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def attrs(obj):
    return {key: plain(value) for key, value in obj.attrs.items()}


out = {}


def visit(group, prefix):
    out[prefix or "/"] = {"kind": "group", "attrs": attrs(group)}
    for name in group:
        path = f"{prefix}/{name}"
        link = group.get(name, getlink=True)
        if isinstance(link, h5py.ExternalLink):
            out[path + "@link"] = {"file": link.filename, "path": link.path}
        if isinstance(link, h5py.SoftLink):
            out[path + "@link"] = {"soft": link.path}
        item = group[name]
        if isinstance(item, h5py.Group):
            visit(item, path)
        else:
            big = item.size > 100_000
            out[path] = {
                "kind": "dataset",
                "object": hash(item.id),  # equal for two names of one dataset (a hard link)
                "shape": list(item.shape),
                "dtype": str(item.dtype),
                "maxshape": list(item.maxshape) if item.maxshape else None,
                "chunks": list(item.chunks) if item.chunks else None,
                "attrs": attrs(item),
                "value": None if big else plain(item[()] if item.shape == () else item[...]),
                "sum": float(numpy.sum(item[...], dtype="float64")) if item.dtype.kind in "iuf" else None,
            }


with h5py.File(sys.argv[1], "r") as f:
    visit(f, "")
print(json.dumps(out))
