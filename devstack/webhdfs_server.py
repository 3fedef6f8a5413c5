#!/usr/bin/env python3
"""WebHDFS dev server: the subset of Hadoop's WebHDFS REST API that sensorctl uses.

    webhdfs_server.py --state DIR --namenode-port P1 --datanode-port P2 [--host 127.0.0.1]

Files live under DIR/data (DIR/tmp holds uploads in progress). Two listeners behave like a
namenode and a datanode: the namenode answers metadata operations itself and redirects
CREATE/APPEND/OPEN (307) to the datanode, which is the only one that moves file bytes.
Reference: https://hadoop.apache.org/docs/stable/hadoop-project-dist/hadoop-hdfs/WebHDFS.html
Stdlib only; stops on SIGTERM/SIGINT. Departures from real HDFS are listed in NOTES.md.
"""

import argparse
import json
import os
import posixpath
import shutil
import signal
import stat
import sys
import threading
import traceback
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, unquote, urlsplit

PREFIX = "/webhdfs/v1"
GROUP = "supergroup"
SUPERUSER = "hdfs"  # owner reported for "/" and for anything not created through this server
BLOCK_SIZE = 134217728
REPLICATION = 1  # one datanode
OWNER_XATTR = "user.webhdfs.owner"
COPY_CHUNK = 1 << 16


class HdfsError(Exception):
    """An error answered as {"RemoteException": {...}} with an HTTP status, like Hadoop's."""

    def __init__(self, status, exception, java_class, message):
        super().__init__(message)
        self.status, self.exception, self.java_class = status, exception, java_class


def not_found(message):
    return HdfsError(404, "FileNotFoundException", "java.io.FileNotFoundException", message)


def already_exists(message):
    return HdfsError(403, "FileAlreadyExistsException",
                     "org.apache.hadoop.fs.FileAlreadyExistsException", message)


def parent_not_dir(message):
    return HdfsError(403, "ParentNotDirectoryException",
                     "org.apache.hadoop.fs.ParentNotDirectoryException", message)


def io_error(message, exception="IOException", java_class="java.io.IOException"):
    return HdfsError(403, exception, java_class, message)


def bad_argument(message):
    return HdfsError(400, "IllegalArgumentException", "java.lang.IllegalArgumentException",
                     message)


def to_millis(ns):
    return ns // 1_000_000


class Namespace:
    """Maps HDFS paths onto DIR/data; every mutation of the tree runs under one lock."""

    def __init__(self, state_dir):
        self.root = os.path.realpath(os.path.join(state_dir, "data"))
        self.tmp = os.path.realpath(os.path.join(state_dir, "tmp"))
        os.makedirs(self.root, exist_ok=True)
        os.makedirs(self.tmp, exist_ok=True)
        self.lock = threading.RLock()

    @staticmethod
    def normalize(raw):
        """'/a//b/' -> '/a/b'. Like HDFS, '.', '..' and ':' components are invalid."""
        parts = [p for p in raw.split("/") if p]
        if not raw.startswith("/") or any(p in (".", "..") or ":" in p or "\0" in p
                                          for p in parts):
            raise HdfsError(400, "InvalidPathException",
                            "org.apache.hadoop.fs.InvalidPathException",
                            f"Invalid path name Invalid file name: {raw}")
        return "/" + "/".join(parts)

    def local(self, path):
        local = os.path.join(self.root, *path.strip("/").split("/"))
        # normalize() already rejects '..'; this guards against symlinks planted in DIR/data.
        real = os.path.realpath(local)
        if real != self.root and not real.startswith(self.root + os.sep):
            raise io_error(f"Path escapes the data directory: {path}")
        return local

    def kind(self, path):
        """'FILE', 'DIRECTORY' or None."""
        try:
            mode = os.stat(self.local(path)).st_mode
        except (FileNotFoundError, NotADirectoryError):
            return None
        return "DIRECTORY" if stat.S_ISDIR(mode) else "FILE"

    @staticmethod
    def owner_of(local):
        try:
            return os.getxattr(local, OWNER_XATTR).decode()
        except OSError:
            return SUPERUSER

    @staticmethod
    def set_owner(local, user):
        try:
            os.setxattr(local, OWNER_XATTR, user.encode())
        except OSError:
            pass  # filesystem without user xattrs: owners fall back to SUPERUSER

    def status(self, path, suffix=""):
        local = self.local(path)
        st = os.stat(local)
        is_dir = stat.S_ISDIR(st.st_mode)
        return {
            "accessTime": 0 if is_dir else to_millis(st.st_atime_ns),
            "blockSize": 0 if is_dir else BLOCK_SIZE,
            "childrenNum": len(os.listdir(local)) if is_dir else 0,
            "fileId": st.st_ino,
            "group": GROUP,
            "length": 0 if is_dir else st.st_size,
            "modificationTime": to_millis(st.st_mtime_ns),
            "owner": self.owner_of(local),
            "pathSuffix": suffix,
            "permission": format(st.st_mode & 0o777, "o"),
            "replication": 0 if is_dir else REPLICATION,
            "storagePolicy": 0,
            "type": "DIRECTORY" if is_dir else "FILE",
        }

    def require(self, path, kind=None):
        found = self.kind(path)
        if found is None:
            raise not_found(f"File does not exist: {path}")
        if kind == "FILE" and found != "FILE":
            raise not_found(f"Path is not a file: {path}")
        return found

    def list(self, path):
        if self.require(path) == "FILE":
            return [self.status(path)]
        names = sorted(os.listdir(self.local(path)))
        return [self.status(posixpath.join(path, name), name) for name in names]

    def mkdirs(self, path, user, mode=0o755):
        """Creates path and missing parents; like HDFS, answers True or raises."""
        with self.lock:
            current = "/"
            for part in [p for p in path.split("/") if p]:
                current = posixpath.join(current, part)
                found = self.kind(current)
                if found == "FILE":
                    if current == path:
                        raise already_exists(f"Path is not a directory: {current}")
                    raise parent_not_dir(f"Parent path is not a directory: {current}")
                if found is None:
                    local = self.local(current)
                    os.mkdir(local)
                    os.chmod(local, mode)
                    self.set_owner(local, user)
            return True

    def new_upload(self):
        return os.path.join(self.tmp, uuid.uuid4().hex)

    def check_create(self, path, overwrite, create_parent):
        found = self.kind(path)
        if found == "DIRECTORY":
            raise already_exists(f"{path} already exists as a directory")
        if found == "FILE" and not overwrite:
            raise already_exists(f"{path} for client 127.0.0.1 already exists")
        parent = posixpath.dirname(path)
        parent_kind = self.kind(parent)
        if parent_kind == "FILE":
            raise parent_not_dir(f"Parent path is not a directory: {parent}")
        if parent_kind is None and not create_parent:
            raise not_found(f"Parent directory doesn't exist: {parent}")

    def commit_create(self, path, upload, user, overwrite, mode, create_parent):
        """Publishes a fully received upload at path (readers never see a partial file)."""
        with self.lock:
            self.check_create(path, overwrite, create_parent)
            self.mkdirs(posixpath.dirname(path), user)
            os.chmod(upload, mode)
            self.set_owner(upload, user)
            os.replace(upload, self.local(path))

    def commit_append(self, path, upload):
        with self.lock:
            self.require(path, "FILE")
            with open(upload, "rb") as src, open(self.local(path), "ab") as dst:
                shutil.copyfileobj(src, dst, COPY_CHUNK)

    def rename(self, src, dst):
        """FileSystem.rename semantics: False instead of most errors; into an existing dir."""
        with self.lock:
            if src == "/" or self.kind(src) is None:
                return False
            if src == dst:
                return True
            if self.kind(dst) == "DIRECTORY":
                dst = posixpath.join(dst, posixpath.basename(src))
            if (self.kind(dst) is not None or self.kind(posixpath.dirname(dst)) != "DIRECTORY"
                    or dst.startswith(src + "/")):
                return False
            os.rename(self.local(src), self.local(dst))
            return True

    def delete(self, path, recursive):
        with self.lock:
            found = self.kind(path)
            if found is None or path == "/":
                return False
            local = self.local(path)
            if found == "FILE":
                os.unlink(local)
            elif recursive:
                shutil.rmtree(local)
            elif os.listdir(local):
                raise io_error(f"`{path} is non empty': Directory is not empty",
                               "PathIsNotEmptyDirectoryException",
                               "org.apache.hadoop.fs.PathIsNotEmptyDirectoryException")
            else:
                os.rmdir(local)
            return True


def parse_bool(params, name, default):
    value = params.get(name, default)
    if value.lower() not in ("true", "false"):
        raise bad_argument(f'Invalid value for webhdfs parameter "{name}": '
                           f'Failed to parse "{value}" to Boolean.')
    return value.lower() == "true"


def parse_long(params, name, default):
    value = params.get(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        number = -1
    if number < 0:
        raise bad_argument(f'Invalid value for webhdfs parameter "{name}": '
                           f'"{value}" is not a non-negative integer.')
    return number


def parse_permission(params, default):
    value = params.get("permission")
    if value is None:
        return default
    try:
        mode = int(value, 8)
    except ValueError:
        mode = -1
    if not 0 <= mode <= 0o1777:
        raise bad_argument(f'Invalid value for webhdfs parameter "permission": "{value}"')
    return mode


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive; every response carries Content-Length
    server_version = "devstack-webhdfs/1"

    # -- plumbing -----------------------------------------------------------------------
    def parse_request(self):
        self.body_done = False  # per request on a keep-alive connection
        self.body_declined = False
        return super().parse_request()

    def handle_expect_100(self):
        if self.server.role == "namenode":
            # The namenode never takes file bytes: skip "100 Continue" so the client does not
            # send the body; the connection is closed after the reply instead of draining it.
            self.body_declined = True
            return True
        return super().handle_expect_100()

    def body_chunks(self):
        """Yields the request body (Content-Length or chunked), reading it at most once."""
        if self.body_done:
            return
        self.body_done = True
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return
                remaining = size
                while remaining:
                    data = self.rfile.read(min(remaining, COPY_CHUNK))
                    if not data:
                        raise ConnectionError("body ended early")
                    remaining -= len(data)
                    yield data
                self.rfile.readline()  # CRLF after each chunk
        remaining = int(self.headers.get("Content-Length") or 0)
        while remaining > 0:
            data = self.rfile.read(min(remaining, COPY_CHUNK))
            if not data:
                raise ConnectionError("body ended early")
            remaining -= len(data)
            yield data

    def save_body(self, target):
        with open(target, "wb") as out:
            for data in self.body_chunks():
                out.write(data)

    def reply(self, status, body=b"", content_type="application/json", headers=()):
        if not self.body_done:
            if self.body_declined:
                self.close_connection = True
            else:
                for _ in self.body_chunks():
                    pass  # keep the connection usable: drain what nobody will read
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def reply_json(self, status, obj):
        self.reply(status, json.dumps(obj).encode())

    def dispatch(self):
        try:
            url = urlsplit(self.path)
            if url.path != PREFIX and not url.path.startswith(PREFIX + "/"):
                raise not_found(f"Not a WebHDFS URL: {url.path}")
            path = Namespace.normalize(unquote(url.path[len(PREFIX):]) or "/")
            params = {k: v[0] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
            op = params.get("op", "").upper()
            handler = getattr(self, f"{self.server.role}_{self.command}_{op}", None)
            if handler is None:
                kind = {"GET": "Get", "PUT": "Put", "POST": "Post", "DELETE": "Delete"}
                raise bad_argument(
                    f'Invalid value for webhdfs parameter "op": No enum constant '
                    f'org.apache.hadoop.hdfs.web.resources.{kind.get(self.command, "Get")}'
                    f'OpParam.Op.{params.get("op", "null")}')
            handler(path, params, params.get("user.name") or self.server.default_user)
        except HdfsError as err:
            self.reply_json(err.status, {"RemoteException": {
                "exception": err.exception, "javaClassName": err.java_class,
                "message": str(err)}})
        except ConnectionError:
            self.close_connection = True
        except OSError as err:
            self.reply_json(403, {"RemoteException": {
                "exception": "IOException", "javaClassName": "java.io.IOException",
                "message": str(err)}})
        except Exception as err:  # a bug here: still answer, and keep the trace in the log
            traceback.print_exc()
            self.close_connection = True
            self.reply_json(500, {"RemoteException": {
                "exception": "RuntimeException", "javaClassName": "java.lang.RuntimeException",
                "message": repr(err)}})

    do_GET = do_PUT = do_POST = do_DELETE = dispatch

    def log_message(self, fmt, *args):
        sys.stderr.write(f"{self.server.role} {self.address_string()} {fmt % args}\n")

    # -- namenode -----------------------------------------------------------------------
    def redirect(self, path, params, user, op, extra):
        """307 to the datanode, with the parameters a real namenode puts in the Location."""
        query = [("op", op), ("user.name", user),
                 ("namenoderpcaddress", f"{self.server.host}:{self.server.namenode_port}")]
        query += extra
        location = (f"http://{self.server.host}:{self.server.datanode_port}{PREFIX}{quote(path)}?"
                    + "&".join(f"{k}={quote(str(v), safe=':')}" for k, v in query))
        if parse_bool(params, "noredirect", "false"):
            self.reply_json(200, {"Location": location})
        else:
            self.reply(307, content_type="application/octet-stream",
                       headers=[("Location", location)])

    def namenode_PUT_CREATE(self, path, params, user):
        extra = [("createflag", ""),
                 ("createparent", str(parse_bool(params, "createparent", "true")).lower()),
                 ("overwrite", str(parse_bool(params, "overwrite", "false")).lower())]
        extra += [(k, params[k]) for k in ("permission", "replication", "blocksize")
                  if k in params]
        # Like Hadoop, existence checks happen at the datanode step, not here.
        self.redirect(path, params, user, "CREATE", extra)

    def namenode_POST_APPEND(self, path, params, user):
        self.server.ns.require(path, "FILE")
        self.redirect(path, params, user, "APPEND", [])

    def namenode_GET_OPEN(self, path, params, user):
        self.server.ns.require(path, "FILE")
        extra = [("offset", parse_long(params, "offset", 0))]
        if "length" in params:
            extra.append(("length", parse_long(params, "length", 0)))
        self.redirect(path, params, user, "OPEN", extra)

    def namenode_GET_GETFILESTATUS(self, path, params, user):
        self.server.ns.require(path)
        self.reply_json(200, {"FileStatus": self.server.ns.status(path)})

    def namenode_GET_LISTSTATUS(self, path, params, user):
        self.reply_json(200, {"FileStatuses": {"FileStatus": self.server.ns.list(path)}})

    def namenode_GET_GETHOMEDIRECTORY(self, path, params, user):
        self.reply_json(200, {"Path": f"/user/{user}"})

    def namenode_PUT_MKDIRS(self, path, params, user):
        mode = parse_permission(params, 0o755)
        self.reply_json(200, {"boolean": self.server.ns.mkdirs(path, user, mode)})

    def namenode_PUT_RENAME(self, path, params, user):
        if not params.get("destination"):
            raise bad_argument("Required param destination for op: RENAME is null or empty")
        dst = Namespace.normalize(params["destination"])
        self.reply_json(200, {"boolean": self.server.ns.rename(path, dst)})

    def namenode_DELETE_DELETE(self, path, params, user):
        recursive = parse_bool(params, "recursive", "false")
        self.reply_json(200, {"boolean": self.server.ns.delete(path, recursive)})

    # -- datanode -----------------------------------------------------------------------
    def check_namenode_address(self, params):
        if not params.get("namenoderpcaddress"):
            raise bad_argument("namenoderpcaddress is not specified.")

    def datanode_PUT_CREATE(self, path, params, user):
        self.check_namenode_address(params)
        ns = self.server.ns
        overwrite = parse_bool(params, "overwrite", "false")
        create_parent = parse_bool(params, "createparent", "true")
        mode = parse_permission(params, 0o644)
        ns.check_create(path, overwrite, create_parent)  # fail before taking the bytes
        upload = ns.new_upload()
        try:
            self.save_body(upload)
            ns.commit_create(path, upload, user, overwrite, mode, create_parent)
        finally:
            if os.path.exists(upload):
                os.unlink(upload)
        hdfs_uri = f"hdfs://{params['namenoderpcaddress']}{quote(path)}"
        self.reply(201, headers=[("Location", hdfs_uri)], content_type="application/octet-stream")

    def datanode_POST_APPEND(self, path, params, user):
        self.check_namenode_address(params)
        ns = self.server.ns
        ns.require(path, "FILE")
        upload = ns.new_upload()
        try:
            self.save_body(upload)
            ns.commit_append(path, upload)
        finally:
            if os.path.exists(upload):
                os.unlink(upload)
        self.reply(200, content_type="application/octet-stream")

    def datanode_GET_OPEN(self, path, params, user):
        self.check_namenode_address(params)
        ns = self.server.ns
        ns.require(path, "FILE")
        offset = parse_long(params, "offset", 0)
        with open(ns.local(path), "rb") as f:  # an open file survives a concurrent rename
            size = os.fstat(f.fileno()).st_size
            if offset > size:
                raise io_error("Cannot seek after EOF", "EOFException", "java.io.EOFException")
            length = min(parse_long(params, "length", size - offset), size - offset)
            f.seek(offset)
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(length))
            self.end_headers()
            while length > 0:
                data = f.read(min(length, COPY_CHUNK))
                if not data:
                    break  # truncated underneath us: the client sees a short body
                self.wfile.write(data)
                length -= len(data)
        if length:
            self.close_connection = True


class Server(ThreadingHTTPServer):
    daemon_threads = True


def main():
    parser = argparse.ArgumentParser(description="WebHDFS dev server (namenode + datanode)")
    parser.add_argument("--state", required=True, help="state dir; files live in STATE/data")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--namenode-port", type=int, required=True)
    parser.add_argument("--datanode-port", type=int, required=True)
    parser.add_argument("--default-user", default="dr.who",
                        help="user for requests without user.name (Hadoop's static web user)")
    args = parser.parse_args()

    ns = Namespace(args.state)
    servers = []
    for role, port in (("namenode", args.namenode_port), ("datanode", args.datanode_port)):
        server = Server((args.host, port), Handler)
        server.role, server.ns, server.host = role, ns, args.host
        server.namenode_port, server.datanode_port = args.namenode_port, args.datanode_port
        server.default_user = args.default_user
        servers.append(server)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in servers]
    for thread in threads:
        thread.start()
    print(f"webhdfs: namenode http://{args.host}:{args.namenode_port} datanode "
          f"http://{args.host}:{args.datanode_port} data {ns.root}", file=sys.stderr, flush=True)
    while not stop.wait(1):
        pass
    for server in servers:
        server.shutdown()
        server.server_close()
    print("webhdfs: stopped", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
