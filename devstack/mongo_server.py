#!/usr/bin/env python3
"""MongoDB stand-in for the devstack: mongoeco's wire-protocol server on an in-memory engine.

Run with the devstack venv (.devstack/venv-mongo, Python 3.13, mongoeco[wire]==4.11.0):

    venv-mongo/bin/python mongo_server.py --port PORT [--host 127.0.0.1]

Prints "ready on HOST:PORT" once listening; stops cleanly on SIGTERM/SIGINT. Data lives in memory
only, so every restart starts empty. No authentication: libmongoc 1.23 cannot complete SCRAM with
mongoeco 4.11.0 (see devstack/NOTES.md).

The monkeypatches below adapt mongoeco 4.11.0 to what libmongoc 1.23 sends; each says which
behaviour it targets. They are applied only to the version they were written against.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import uuid

import mongoeco
from mongoeco.core.bson_scalars import BsonInt64
from mongoeco.core.identity import id_contains_numeric_value
from mongoeco.engines.memory import MemoryEngine
from mongoeco.types import ObjectId
from mongoeco.wire.executor import WireCommandExecutor
from mongoeco.wire.proxy import AsyncMongoEcoProxyServer

PATCHED_VERSION = "4.11.0"

# Integer fields of cursor commands that libmongoc 1.23 always encodes as BSON Int64.
# Only these fields are converted; Int64 values inside documents, filters and pipelines are
# user data and stay Int64.
_CURSOR_INT_FIELDS = {
    "find": ("limit", "skip", "batchSize", "maxTimeMS"),
    "aggregate": ("maxTimeMS",),
    "getMore": ("getMore", "batchSize", "maxTimeMS"),
}


def _plain_int(value):
    return value.value if isinstance(value, BsonInt64) else value


def _normalize_cursor_ints(body):
    """Turn the Int64 cursor fields of find/aggregate/getMore/killCursors (and the Int64
    arguments of top-level $limit/$skip aggregate stages) into plain ints."""
    if not body:
        return
    command = next(iter(body))
    for field in _CURSOR_INT_FIELDS.get(command, ()):
        if field in body:
            body[field] = _plain_int(body[field])
    if command in ("find", "aggregate") and isinstance(body.get("cursor"), dict):
        cursor = body["cursor"]
        if "batchSize" in cursor:
            cursor["batchSize"] = _plain_int(cursor["batchSize"])
    if command == "killCursors" and isinstance(body.get("cursors"), list):
        body["cursors"] = [_plain_int(cursor_id) for cursor_id in body["cursors"]]
    if command == "aggregate" and isinstance(body.get("pipeline"), list):
        # libmongoc's count_documents turns its skip/limit options into $skip/$limit stages,
        # and Swift's Int is naturally appended as Int64; mongoeco rejects Int64 there too.
        for stage in body["pipeline"]:
            if isinstance(stage, dict) and len(stage) == 1:
                name = next(iter(stage))
                if name in ("$limit", "$skip"):
                    stage[name] = _plain_int(stage[name])


def patch_int64_cursor_fields():
    # mongoeco 4.11.0: the wire decoder turns every BSON Int64 into a BsonInt64 wrapper (not an
    # int), and the find/getMore validators then require a Python int. libmongoc 1.23 sends
    # `limit`, `batchSize`, the getMore cursor id (and killCursors ids) as Int64, so any find
    # with a limit/batchSize and every getMore failed ("wire getMore cursor id must be an
    # integer"); an Int64 `$limit`/`$skip` stage fails the same way ("$limit requires a
    # non-negative integer"). Fix: one hook on the single place where a decoded request body
    # becomes a request context (before validation), converting only those command fields.
    original = WireCommandExecutor._build_request_context

    def build_request_context(self, body, **kwargs):
        _normalize_cursor_ints(body)
        return original(self, body, **kwargs)

    WireCommandExecutor._build_request_context = build_request_context


def _id_lookup_is_exact(document_id):
    # For these _id types the engine's storage key (bson_engine_key) is already the BSON
    # equality key, so "storage key present" == "duplicate _id". Numbers (1 == 1.0 == Int64(1)),
    # binaries (bytes vs Binary subtype 0) and documents/arrays containing them are not.
    if id_contains_numeric_value(document_id):
        return False
    return isinstance(document_id, (str, ObjectId, uuid.UUID))


def patch_single_insert_id_scan():
    # mongoeco 4.11.0: the `insert` command inserts documents one at a time, and for a
    # single-document insert MemoryEngine._insert_documents_impl passes scan_payload_id=True to
    # _ensure_unique_indexes, which then compares the new _id with every stored document
    # (O(n) per insert, O(n^2) per batch: 359 docs/s at 500 docs, minutes at 10k).
    # The exact duplicate check by storage key (check_id_storage) runs before that scan and
    # raises the same DuplicateKeyError (E11000), so for _id types whose storage key is exact
    # (strings, ObjectIds, UUIDs) the scan is redundant and is skipped. Numeric/binary/compound
    # _ids keep the scan so 1 vs 1.0 still collide. Unique secondary indexes are untouched.
    original = MemoryEngine._ensure_unique_indexes

    def ensure_unique_indexes(self, db_name, coll_name, candidate, **kwargs):
        if (
            kwargs.get("scan_payload_id")
            and kwargs.get("check_id_storage")
            and "_id" in candidate
            and _id_lookup_is_exact(candidate["_id"])
        ):
            kwargs["scan_payload_id"] = False
        return original(self, db_name, coll_name, candidate, **kwargs)

    MemoryEngine._ensure_unique_indexes = ensure_unique_indexes


async def serve(args):
    server = AsyncMongoEcoProxyServer(
        engine=MemoryEngine(),
        host=args.host,
        port=args.port,
        mongodb_dialect="7.0",
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    address = await server.start()
    print(f"mongo_server: mongoeco {mongoeco.__version__} ready on {address.host}:{address.port}",
          flush=True)
    await stop.wait()
    print("mongo_server: stopping", flush=True)
    await server.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    if mongoeco.__version__ != PATCHED_VERSION:
        sys.exit(f"mongo_server: patches target mongoeco {PATCHED_VERSION}, "
                 f"found {mongoeco.__version__}; re-check them before changing the pin")
    patch_int64_cursor_fields()
    patch_single_insert_id_scan()
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
