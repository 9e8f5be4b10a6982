"""The output folder can be any fsspec URL: the same bytes wherever it is.

``memory://`` stands in for an object store here: like ``s3://`` it has no
symbolic links, so it takes the copy-into-place publish path.
"""

from __future__ import annotations

import json

import fsspec
import pytest

from newsflow.store import output_filesystem, read_table
from tests.conftest import data_files, run


@pytest.fixture()
def memory_out(request):
    url = f"memory://newsflow-tests/{request.node.name}"
    yield url
    fs, root = output_filesystem(url)
    if fs.exists(root):
        fs.rm(root, recursive=True)


def test_a_file_url_writes_what_a_path_writes(prefect_server, raw, tmp_path):
    run(raw, tmp_path / "path")
    run(raw, f"file://{tmp_path}/url")
    files = data_files(tmp_path / "path")
    assert files and files == data_files(tmp_path / "url")


def test_an_object_store_gets_the_same_tables_and_reruns_replace_them(prefect_server, raw, tmp_path, memory_out):
    local = tmp_path / "local"
    run(raw, local)
    first = run(raw, memory_out)
    assert data_files(memory_out) == data_files(local)
    assert first["n_extracted"] == 2

    # A rerun with one article gone: reused from the cache on the object
    # store, and the tables hold exactly what a local rerun holds.
    (raw / "council.txt").unlink()
    run(raw, local)
    second = run(raw, memory_out)
    assert (second["n_extracted"], second["n_reused"]) == (0, 1)
    assert data_files(memory_out) == data_files(local)

    fs, root = output_filesystem(memory_out)
    assert len(fs.ls(f"{root}/.versions", detail=False)) == 1  # older versions removed
    # The deleted article's entry and verdict pruned; the file index stays.
    assert len(fs.ls(f"{root}/_cache", detail=False)) == 3  # an entry, the index, the verdicts' folder
    assert len(fs.ls(f"{root}/_cache/verdicts", detail=False)) == 1
    assert json.loads(fs.cat_file(f"{root}/manifest.json"))["run_id"] == second["run_id"]
    assert fs.isfile(f"{root}/_validation/data_docs/index.html")
    assert len(read_table(memory_out, "runs")) == 2
    # Readers need nothing of newsflow: pyarrow reads the table folder through fsspec.
    import pyarrow.dataset as ds

    quotes = ds.dataset(f"{root}/quotes", filesystem=fsspec.filesystem("memory"), format="parquet").to_table()
    assert quotes.num_rows == read_table(local, "quotes").num_rows > 0
