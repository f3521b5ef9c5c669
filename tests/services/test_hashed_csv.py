"""One pass over a CSV gives its rows and the SHA-256 of its bytes."""

import hashlib

from station.services.hashed_csv import HashedCsv

TEXT = "\ufeffid,name\r\n" + "".join(f'{n},"名字, {n}"\r\n' for n in range(5000))


def test_rows_and_hash_in_one_pass(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(TEXT.encode("utf-8"))
    reading = HashedCsv(path, buffer=4096)
    with reading as rows:
        assert next(rows) == ["id", "name"]  # the BOM is not part of the header
        body = list(rows)
        digest = reading.sha256()
    assert body[-1] == ["4999", "名字, 4999"] and len(body) == 5000
    assert digest == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_partly_read_file_still_hashes_whole(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(TEXT.encode("utf-8"))
    reading = HashedCsv(path, buffer=4096)
    with reading as rows:
        next(rows)
        digest = reading.sha256()
    assert digest == hashlib.sha256(path.read_bytes()).hexdigest()
    path.write_bytes(TEXT.replace("4999", "4998").encode("utf-8"))
    with reading as rows:
        list(rows)
        assert reading.sha256() != digest
