#!/usr/bin/env python3
"""Writes fixtures/zip/: DEFLATE streams made by zlib (and two encoded here by hand, for
what zlib never emits), and ZIP archives made by zipfile and Info-ZIP's zip, some patched to
be broken in one known way. Each output's expected content is listed beside it, so the Swift
tests compare against what these tools produced rather than against themselves.

    python3 scripts/make-zip-fixtures.py      # from the repository root; needs `zip`

Random content comes from fixed seeds, so a rerun gives the same plain bytes; archives made
by `zip` carry its version in their headers.
"""
import hashlib
import io
import json
import os
import random
import shutil
import struct
import subprocess
import tempfile
import zipfile
import zlib

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "zip")
DEFLATE = os.path.join(ROOT, "deflate")
ARCHIVES = os.path.join(ROOT, "archives")


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def raw_deflate(data, level=6, mem_level=8, strategy=zlib.Z_DEFAULT_STRATEGY):
    c = zlib.compressobj(level, zlib.DEFLATED, -15, mem_level, strategy)
    return c.compress(data) + c.flush()


# --- plain inputs -----------------------------------------------------------------------

TEXT = (
    b"Key-account management starts from the few customers that carry the business. "
    b"Each is scored on its sales, its margin and how it buys; the score decides who gets "
    b"a key-account manager, a plan and a review every quarter. "
) * 12


def column(i):
    name = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        name = chr(65 + r) + name
    return name


def sheet_xml(rows, columns, seed, values=10**6, regular=False, refs=True):
    """A worksheet part as Excel writes one: shared-string indices, amounts, formulas and
    blank styled cells. `values` bounds the numbers, `regular` gives each column one kind of
    cell, and `refs=False` leaves out the cell references (as some writers do): these decide
    how well it compresses."""
    rng = random.Random(seed)
    parts = [
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        b'<dimension ref="A1:%s%d"/><sheetData>' % (column(columns - 1).encode(), rows)
    ]
    for r in range(1, rows + 1):
        cells = []
        for c in range(columns):
            ref = b' r="%s%d"' % (column(c).encode(), r) if refs else b""
            kind = c / columns if regular else rng.random()
            if kind < 0.4:
                cells.append(b'<c%s t="s"><v>%d</v></c>' % (ref, rng.randrange(min(values, 400))))
            elif kind < 0.8:
                cells.append(b'<c%s s="2"><v>%d.5</v></c>' % (ref, rng.randrange(values)))
            elif kind < 0.9:
                cells.append(b'<c%s><f>SUM(B%d:D%d)</f><v>%d</v></c>' % (ref, r, r, rng.randrange(values)))
            else:
                cells.append(b'<c%s s="1"/>' % ref)
        parts.append(b'<row r="%d" spans="1:%d">%s</row>' % (r, columns, b"".join(cells)))
    parts.append(b"</sheetData></worksheet>")
    return b"".join(parts)


# --- DEFLATE encoded by hand: fixed-Huffman symbols, for matches zlib never makes ----------

LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115,
               131, 163, 195, 227, 258]
LENGTH_EXTRA = [0] * 8 + [1] * 4 + [2] * 4 + [3] * 4 + [4] * 4 + [5] * 4 + [0]
DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
             2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
DIST_EXTRA = [0, 0, 0, 0] + [n for n in range(1, 14) for _ in (0, 1)]


class Bits:
    def __init__(self):
        self.acc, self.n, self.out = 0, 0, bytearray()

    def put(self, value, count):
        self.acc |= value << self.n
        self.n += count
        while self.n >= 8:
            self.out.append(self.acc & 0xFF)
            self.acc >>= 8
            self.n -= 8

    def code(self, code, length):
        """A Huffman code, sent most significant bit first."""
        self.put(int(format(code, "0%db" % length)[::-1], 2), length)

    def fixed_symbol(self, symbol):
        if symbol < 144:
            self.code(0x30 + symbol, 8)
        elif symbol < 256:
            self.code(0x190 + symbol - 144, 9)
        elif symbol < 280:
            self.code(symbol - 256, 7)
        else:
            self.code(0xC0 + symbol - 280, 8)

    def match(self, length, distance):
        i = max(k for k in range(29) if LENGTH_BASE[k] <= length)
        self.fixed_symbol(257 + i)
        self.put(length - LENGTH_BASE[i], LENGTH_EXTRA[i])
        j = max(k for k in range(30) if DIST_BASE[k] <= distance)
        self.code(j, 5)
        self.put(distance - DIST_BASE[j], DIST_EXTRA[j])

    def bytes(self):
        if self.n:
            self.out.append(self.acc & 0xFF)
        return bytes(self.out)


def far_matches():
    """32 KiB of history (the bytes 0-250 over and over, built with matches 251 back), then
    copies of it from exactly 32,768 bytes back, 258 at a time, then a run copied from one
    byte back: the longest and furthest matches there are. 32,768 is no multiple of 251, so a
    decoder that reached back any other distance would write other bytes."""
    b = Bits()
    b.put(1, 1)  # final
    b.put(1, 2)  # fixed Huffman
    plain = bytearray(range(251))
    for byte in plain:
        b.fixed_symbol(byte)
    while len(plain) < 32768:
        n = min(258, 32768 - len(plain))
        b.match(n, 251)
        for _ in range(n):
            plain.append(plain[-251])
    for n in [258] * 381 + [3]:
        b.match(n, 32768)
        for _ in range(n):
            plain.append(plain[-32768])
    b.fixed_symbol(ord("x"))
    for _ in range(10):
        b.match(258, 1)
    b.fixed_symbol(256)
    plain += b"x" * (1 + 2580)
    return bytes(plain), b.bytes()


def write_deflate_vectors():
    os.makedirs(DEFLATE, exist_ok=True)
    rng = random.Random(7)
    runs = b"".join(bytes([rng.randrange(4)]) * rng.randrange(1, 300) for _ in range(2000))
    big = sheet_xml(7000, 12, seed=3, values=3, regular=True, refs=False)  # 2.7 MB, many blocks
    vectors = [
        ("empty", b"", {}),
        ("one-byte", b"k", {}),
        ("text", TEXT, {}),
        ("random-binary", random.Random(1).randbytes(40000), {}),
        ("level0-stored", TEXT * 4, {"level": 0, "mem_level": 1}),
        ("fixed-huffman", sheet_xml(60, 8, seed=4), {"strategy": zlib.Z_FIXED}),
        ("huffman-only", sheet_xml(60, 8, seed=5), {"strategy": zlib.Z_HUFFMAN_ONLY}),
        ("rle", runs, {"strategy": zlib.Z_RLE}),
        ("level1", sheet_xml(200, 8, seed=6), {"level": 1}),
        ("level9-memlevel1", sheet_xml(200, 8, seed=8), {"level": 9, "mem_level": 1}),
        ("multi-megabyte", big, {}),
        ("sheet-xml", sheet_xml(300, 10, seed=2), {}),
    ]
    lines = ["# name\tsize\tsha256\thow the .deflate file was made"]
    for name, plain, options in vectors:
        packed = raw_deflate(plain, **options)
        assert zlib.decompress(packed, -15) == plain
        if name in ("random-binary", "level0-stored"):
            assert packed[0] & 6 == 0, "the first block must be stored"
        with open(os.path.join(DEFLATE, name + ".deflate"), "wb") as f:
            f.write(packed)
        how = "zlib " + zlib.ZLIB_VERSION + " raw deflate, " + (
            ", ".join("%s=%s" % (k, v) for k, v in options.items()) or "level=6")
        lines.append("%s\t%d\t%s\t%s" % (name, len(plain), sha256(plain), how))
    plain, packed = far_matches()
    assert zlib.decompress(packed, -15) == plain, "the hand-made stream must decode in zlib"
    with open(os.path.join(DEFLATE, "far-matches.deflate"), "wb") as f:
        f.write(packed)
    lines.append("far-matches\t%d\t%s\tfixed Huffman by hand: distance 32768 length 258, distance 1; "
                 "zlib decodes it to the same bytes" % (len(plain), sha256(plain)))
    with open(os.path.join(DEFLATE, "vectors.tsv"), "w") as f:
        f.write("\n".join(lines) + "\n")


# --- ZIP archives -----------------------------------------------------------------------

WORKBOOK = [
    ("[Content_Types].xml", b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types '
     b'xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" '
     b'ContentType="application/xml"/></Types>'),
    ("xl/workbook.xml", b'<workbook><sheets><sheet name="Accounts" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    ("xl/worksheets/sheet1.xml", sheet_xml(120, 6, seed=9)),
    ("xl/media/logo.bin", random.Random(11).randbytes(3000)),
    ("xl/empty.txt", b""),
]
STAMP = (2026, 11, 30, 12, 0, 0)


def info(name, method):
    zi = zipfile.ZipInfo(name, STAMP)
    zi.compress_type = method
    zi.external_attr = 0o644 << 16
    return zi


def build(entries, method=zipfile.ZIP_DEFLATED, fileobj=None, **open_options):
    buffer = fileobj if fileobj is not None else io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in entries:
            with zf.open(info(name, method), "w", **open_options) as f:
                f.write(data)
    return buffer.getvalue() if fileobj is None else None


class Unseekable(io.RawIOBase):
    """A write-only stream without tell(), like a pipe: zipfile then sets flag bit 3 and
    writes a data descriptor after each entry."""

    def __init__(self):
        self.data = bytearray()

    def writable(self):
        return True

    def write(self, b):
        self.data += b
        return len(b)


def patch_all(data, old, new):
    assert data.count(old) >= 1
    return data.replace(old, new)


def central_offsets(data):
    """Offsets of the central-directory records, found through the end record."""
    end = data.rfind(b"PK\x05\x06")
    count, size, start = struct.unpack("<HII", data[end + 10:end + 20])
    offsets, p = [], start
    for _ in range(count):
        offsets.append(p)
        n, m, k = struct.unpack("<HHH", data[p + 28:p + 34])
        p += 46 + n + m + k
    return offsets


def set_flag(data, bit):
    data = bytearray(data)
    for p in central_offsets(bytes(data)):
        local = struct.unpack("<I", data[p + 42:p + 46])[0]
        for q in (p + 8, local + 6):
            data[q:q + 2] = struct.pack("<H", struct.unpack("<H", data[q:q + 2])[0] | bit)
    return bytes(data)


def full_zip64(entries, disk=False):
    """An archive whose every size and offset goes through ZIP64: 0xFFFFFFFF in the records,
    the real values in ZIP64 extra fields, and a ZIP64 end record and locator. zipfile only
    writes these past 4 GiB; this writes them for a small archive, and zipfile reads it back.
    With `disk`, the directory's disk numbers are 0xFFFF too, the real one (4 bytes) last in
    the extra field."""
    out, central = bytearray(), bytearray()
    for name, data in entries:
        packed = raw_deflate(data)
        crc = zlib.crc32(data)
        offset = len(out)
        name = name.encode()
        extra = struct.pack("<HHQQ", 1, 16, len(data), len(packed))
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0, 8, 0, 0x5B7E, crc, 0xFFFFFFFF, 0xFFFFFFFF,
                           len(name), len(extra)) + name + extra + packed
        cextra = struct.pack("<HHQQQ", 1, 24, len(data), len(packed), offset)
        if disk:
            cextra = struct.pack("<HHQQQI", 1, 28, len(data), len(packed), offset, 0)
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0, 8, 0, 0x5B7E, crc, 0xFFFFFFFF,
                               0xFFFFFFFF, len(name), len(cextra), 0, 0xFFFF if disk else 0, 0, 0,
                               0xFFFFFFFF) + name + cextra
    start = len(out)
    out += central
    end64 = len(out)
    out += struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, len(entries), len(entries), len(central), start)
    out += struct.pack("<IIQI", 0x07064B50, 0, end64, 1)
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    return bytes(out)


def info_zip_zip64(folder):
    """Info-ZIP's own ZIP64 archive of standard input: ZIP64 extra fields holding only the
    sizes it marks 0xFFFFFFFF, a ZIP64 end record and locator. (Written to a pipe instead of a
    file, zip 3.0 leaves out the ZIP64 end record, and neither unzip nor zipfile reads it.)"""
    data = WORKBOOK[2][1]
    path = os.path.join(folder, "out.zip")
    subprocess.run(["zip", "-q", "-fz", "-X", path, "-"], input=data, check=True)
    with open(path, "rb") as f:
        archive = bytearray(f.read())
    # zip stamps standard input with the current time; the fixture gets the fixed one.
    year, month, day, hour, minute, second = STAMP
    stamp = struct.pack("<HH", hour << 11 | minute << 5 | second // 2, (year - 1980) << 9 | month << 5 | day)
    archive[10:14] = stamp
    central = archive.rfind(b"PK\x01\x02")  # its one directory record
    archive[central + 12:central + 16] = stamp
    return bytes(archive), [("-", data)]


def bomb(zeros):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr(info("xl/worksheets/sheet1.xml", zipfile.ZIP_DEFLATED), zeros)
    return buffer.getvalue()


def write_archives():
    os.makedirs(ARCHIVES, exist_ok=True)
    manifest = {}

    def save(name, data, entries=None, error=None, note="", zipfile_reads=True):
        path = os.path.join(ARCHIVES, name)
        with open(path, "wb") as f:
            f.write(data)
        record = {"note": note}
        if entries is not None:
            record["entries"] = [{"name": n, "size": len(d), "sha256": sha256(d)} for n, d in entries]
            subprocess.run(["unzip", "-tq", path], check=True, stdout=subprocess.DEVNULL)
            if zipfile_reads:
                with zipfile.ZipFile(io.BytesIO(data)) as zf:
                    assert zf.testzip() is None, name
                    assert [i.filename for i in zf.infolist()] == [n for n, _ in entries], name
        if error is not None:
            record["error"] = error
        manifest[name] = record

    save("stored.zip", build(WORKBOOK, zipfile.ZIP_STORED), WORKBOOK, note="zipfile, ZIP_STORED")
    deflated = build(WORKBOOK)
    save("deflated.zip", deflated, WORKBOOK, note="zipfile, ZIP_DEFLATED level 6")
    stream = Unseekable()
    build(WORKBOOK, fileobj=stream)
    descriptor = bytes(stream.data)
    assert all(i.flag_bits & 8 for i in zipfile.ZipFile(io.BytesIO(descriptor)).infolist())
    save("descriptor.zip", descriptor, WORKBOOK, note="zipfile writing to a stream without tell(): flag bit 3")
    mixed = Unseekable()
    build(WORKBOOK[:2], zipfile.ZIP_STORED, fileobj=mixed)
    save("descriptor-stored.zip", bytes(mixed.data), WORKBOOK[:2],
         note="zipfile, stored entries with data descriptors and zero sizes in the local headers")
    save("zip64-local.zip", build(WORKBOOK, force_zip64=True), WORKBOOK,
         note="zipfile force_zip64=True: ZIP64 extra fields in the local headers")
    save("zip64-full.zip", full_zip64(WORKBOOK), WORKBOOK,
         note="by hand: every size and offset in ZIP64 extra fields, ZIP64 end record and locator")
    save("zip64-disk.zip", full_zip64(WORKBOOK[:2], disk=True), WORKBOOK[:2],
         note="as zip64-full.zip, with the disk numbers in the extra fields too")
    with tempfile.TemporaryDirectory() as folder:
        data, entries = info_zip_zip64(folder)
    # Python 3.11's zipfile fails on this archive (a negative seek); unzip -t passes it.
    save("zip64-infozip.zip", data, entries, note="Info-ZIP zip -fz from standard input", zipfile_reads=False)

    commented = io.BytesIO()
    with zipfile.ZipFile(commented, "w") as zf:
        zf.writestr(info("a.txt", zipfile.ZIP_DEFLATED), TEXT)
        zf.comment = b"Exported for the quarterly account review. " * 16
    save("comment.zip", commented.getvalue(), [("a.txt", TEXT)], note="a 688-byte archive comment")

    names = [("Отчёт/данные €.xml", b"<x>unicode</x>")]
    save("utf8-name.zip", build(names), names, note="a non-ASCII name: zipfile sets flag bit 11")

    cp437 = build([("caf#.txt", b"cafe")])
    cp437 = patch_all(cp437, b"caf#.txt", b"caf\x82.txt")  # 0x82 is e-acute in code page 437
    high = bytes(range(0x80, 0x100))
    table = build([("#" * 128, b"table")])
    table = patch_all(table, b"#" * 128, high)
    save("cp437-name.zip", cp437, [("caf\x82.txt".encode("latin-1").decode("cp437"), b"cafe")],
         note="name bytes patched to code page 437, flag bit 11 clear")
    save("cp437-table.zip", table, [(high.decode("cp437"), b"table")],
         note="one entry named by the bytes 0x80-0xFF, flag bit 11 clear")

    save("bzip2.zip", build(WORKBOOK[:2], zipfile.ZIP_BZIP2), error="unsupportedMethod", note="zipfile ZIP_BZIP2")
    save("lzma.zip", build(WORKBOOK[:2], zipfile.ZIP_LZMA), error="unsupportedMethod", note="zipfile ZIP_LZMA")
    save("encrypted-flag.zip", set_flag(deflated, 1), error="encrypted", note="deflated.zip with flag bit 0 set")

    crc = zlib.crc32(WORKBOOK[1][1])
    bad = patch_all(deflated, struct.pack("<I", crc), struct.pack("<I", crc ^ 0x00010000))
    save("crc-mismatch.zip", bad, error="crcMismatch", note="deflated.zip with one CRC-32 changed")
    save("truncated.zip", deflated[: len(deflated) // 2], error="truncated", note="the first half of deflated.zip")

    zeros = b"\x00" * (20 << 20)
    save("bomb.zip", bomb(zeros), error="ratioTooHigh", note="20 MiB of zeros, deflated at level 9")
    save("not-a-zip.txt", b"account_id,sales\nA1,100\n", error="notAZip", note="a CSV file")

    with open(os.path.join(ARCHIVES, "archives.json"), "w") as f:
        json.dump(manifest, f, indent=2, ensure_ascii=False, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    for folder in (DEFLATE, ARCHIVES):
        if os.path.isdir(folder):
            shutil.rmtree(folder)
    write_deflate_vectors()
    write_archives()
