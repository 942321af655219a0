"""A minimal FastCGI client for tests that talk to a `rolesd serve` directly, without nginx (a second
server on its own socket, with its own environment). Python standard library only.

    status, headers, body = fcgi_request("unix:/path/sock", "GET", "/readyz")
"""
import socket
import struct

BEGIN_REQUEST, END_REQUEST, PARAMS, STDIN, STDOUT = 1, 3, 4, 5, 6


def _record(rtype, content, req_id=1):
    return struct.pack("!BBHHBx", 1, rtype, req_id, len(content), 0) + content


def _pair(name, value):
    out = b""
    for n in (len(name), len(value)):
        out += struct.pack("!B", n) if n < 128 else struct.pack("!I", n | 0x80000000)
    return out + name + value


def connect(addr, timeout=30):
    if addr.startswith("unix:"):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        s.connect(addr[5:])
    else:
        host, port = addr.rsplit(":", 1)
        s = socket.create_connection((host or "127.0.0.1", int(port)), timeout=timeout)
    return s


def fcgi_request(addr, method, uri, host="localhost", headers=None, body=b"", timeout=30):
    """One request; returns (status, {lower-case header: value}, body bytes)."""
    params = {"REQUEST_METHOD": method, "REQUEST_URI": uri, "HTTP_HOST": host,
              "CONTENT_LENGTH": str(len(body)), "REQUEST_SCHEME": "http"}
    for k, v in (headers or {}).items():
        params[k] = v
    enc = b"".join(_pair(k.encode(), v.encode()) for k, v in params.items())
    msg = _record(BEGIN_REQUEST, struct.pack("!HB5x", 1, 0))
    for i in range(0, len(enc), 65535):
        msg += _record(PARAMS, enc[i:i + 65535])
    msg += _record(PARAMS, b"")
    for i in range(0, len(body), 65535):
        msg += _record(STDIN, body[i:i + 65535])
    msg += _record(STDIN, b"")
    s = connect(addr, timeout)
    try:
        s.sendall(msg)
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    finally:
        s.close()
    out, pos, ended = b"", 0, False
    while pos + 8 <= len(data):
        _, rtype, _, clen, plen = struct.unpack("!BBHHBx", data[pos:pos + 8])
        content = data[pos + 8:pos + 8 + clen]
        pos += 8 + clen + plen
        if rtype == STDOUT:
            out += content
        elif rtype == END_REQUEST:
            ended = True
    if not ended:
        raise ConnectionError("no END_REQUEST from %s (%d bytes)" % (addr, len(data)))
    head, _, rest = out.partition(b"\r\n\r\n")
    hdrs = {}
    for line in head.decode("latin-1").split("\r\n"):
        if ":" in line:
            k, v = line.split(":", 1)
            hdrs[k.strip().lower()] = v.strip()
    status = int(hdrs.get("status", "200").split()[0])
    return status, hdrs, rest
