"""Re-execute notebooks in place, each in a fresh kernel, and store their outputs.

    python notebooks/execute.py                      # every notebook
    python notebooks/execute.py notebooks/02_*.ipynb # some

Widget state is dropped from the saved file (the figures stay): a partial state can make a
rendered page refuse the whole notebook, and a static page cannot run the sliders anyway.
"""
import glob
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

here = Path(__file__).parent
for path in sys.argv[1:] or sorted(glob.glob(str(here / "[0-9][0-9]_*.ipynb"))):
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(here)}}).execute()
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)
    print(f"{path}: {time.perf_counter() - start:.1f} s")
