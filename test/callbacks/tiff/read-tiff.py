# Prints what tifffile sees of TIFF files as JSON: each file's pages with their shape,
# dtype, description and pixels.
import json
import sys

import tifffile

out = []
for path in sys.argv[1:]:
    with tifffile.TiffFile(path) as tif:
        pages = []
        for page in tif.pages:
            pixels = page.asarray()
            pages.append(
                {
                    "shape": list(pixels.shape),
                    "dtype": str(pixels.dtype),
                    "description": page.description,
                    "compression": int(page.compression),
                    "photometric": int(page.photometric),
                    "pixels": pixels.tolist(),
                }
            )
        out.append({"path": path, "pages": pages})
print(json.dumps(out))
