#!/usr/bin/env python3
"""Writes a folder of hostile files, and what Gazette must do with each.

Usage: tools/hostile/make_hostile.py FOLDER [--small]

FOLDER/news/ gets one file (or link) per case; FOLDER/expected.json maps each
case's path (relative to FOLDER/news) to its stated outcome:

  {"outcome": "indexed", "find": WORD}    indexed, and a search for WORD finds it
  {"outcome": "indexed", "warning": TEXT} indexed with a warning containing TEXT
  {"outcome": "skipped", "reason": TEXT}  reported as skipped, the reason containing TEXT

plus "forbidden" words that must never be found (what an entity or an
external reference would have pulled in). The large files are sparse or
written in chunks, so the folder costs little disk and time; --small
leaves out the 200 MB line and the 500 MB file (for a quick look).

A test (Tests/EndToEndTests/HostileInputTests.swift) indexes the folder with
a memory limit and checks every case; the same checks can be run by hand:
    tools/hostile/make_hostile.py /tmp/hostile
    gazette index /tmp/hostile/news --index /tmp/hostile/index --json
"""

import json
import os
import random
import sys


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    root = sys.argv[1]
    small = "--small" in sys.argv[2:]
    news = os.path.join(root, "news")
    os.makedirs(news, exist_ok=True)
    expected = {}

    def write(name, data, outcome):
        path = os.path.join(news, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as out:
            out.write(data)
        expected[name] = outcome

    rng = random.Random(8)
    body = b"Delegates met in Zanzibar on Monday to discuss the ceasefire.\n"

    # Binary, empty and NUL-only files.
    write("binary.txt", b"GIF89a" + bytes(rng.randrange(256) for _ in range(4096)) + b"\0",
          {"outcome": "skipped", "reason": "binary file (NUL byte at offset"})
    write("empty.txt", b"", {"outcome": "skipped", "reason": "empty file"})
    write("nul-only.txt", b"\0" * 65536, {"outcome": "skipped", "reason": "binary file (NUL byte at offset 0)"})
    write("white-space-only.html", b" \n\t" * 1000, {"outcome": "skipped", "reason": "no text"})

    # Long lines and large files: over the 64 MB limit they are skipped
    # before being read; under it, read whole.
    line = b"Quillfeather " + b"word " * (3 * 1024 * 1024 // 5) + b"\n"  # about 3 MB, no newline inside
    write("one-line-3mb.txt", b"A very long line\n\n" + line, {"outcome": "indexed", "find": "quillfeather"})
    if not small:
        path = os.path.join(news, "one-line-200mb.txt")
        with open(path, "wb") as out:
            chunk = b"lorem " * (1 << 20)
            for _ in range(200 * (1 << 20) // len(chunk) + 1):
                out.write(chunk)
            out.write(b"\n")
        expected["one-line-200mb.txt"] = {"outcome": "skipped", "reason": "file too large"}
        path = os.path.join(news, "big-500mb.html")
        with open(path, "wb") as out:
            out.write(b"<html><body><p>start</p>")
            out.truncate(500 * (1 << 20))  # sparse: reads as NUL bytes, stored as nothing
        expected["big-500mb.html"] = {"outcome": "skipped", "reason": "file too large"}

    # Encodings.
    write("invalid-utf8.txt", b"Invalid bytes\n\nThe Marzipanova \xff\xfe\xc3 delegation \xed\xa0\x80 arrived.\n",
          {"outcome": "indexed", "find": "marzipanova", "warning": "read as windows-1252"})
    text = "Ciphertext talks\n\nThe Quokkaland envoy, Zoë, met the ministers.\n"
    write("utf16-le-bom.txt", b"\xff\xfe" + text.encode("utf-16-le"), {"outcome": "indexed", "find": "quokkaland"})
    write("utf16-be-bom.txt", b"\xfe\xff" + text.replace("Quokkaland", "Wombatia").encode("utf-16-be"),
          {"outcome": "indexed", "find": "wombatia"})
    write("utf16-no-bom.txt", text.encode("utf-16-le"),
          {"outcome": "skipped", "reason": "binary file (NUL byte at offset 1)"})
    write("latin1.html", "<title>Caf\xe9 talks</title><p>The Pelicanistan caf\xe9 reopened.</p>".encode("latin-1"),
          {"outcome": "indexed", "find": "pelicanistan"})

    # Deep nesting and broken HTML.
    write("nested-100k.html", b"<html><body>" + b"<div>" * 100_000 + b"Deepwater Narwhalia" + b"</div>" * 100_000,
          {"outcome": "indexed", "find": "narwhalia"})
    write("unclosed.html", b"<html><body><p>Broken <b>markup <i>about Okapiville<table><tr><td>cell",
          {"outcome": "indexed", "find": "okapiville"})

    # Entities: libxml2 must expand none from a DOCTYPE, and read no file.
    laughs = b'<!DOCTYPE lolz [<!ENTITY lol "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10)
    ) + b"]>"
    write("billion-laughs.html", laughs + b"<html><body><p>Laughing Gullsbury &lol9;</p></body></html>",
          {"outcome": "indexed", "find": "gullsbury"})
    write("external-entity.html",
          b'<!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
          b"<html><body><p>Xenopolis &xxe; report</p></body></html>",
          {"outcome": "indexed", "find": "xenopolis"})

    # Odd paths.
    write("odd names/spaces and ünïcödé — dash.txt", b"Spaced out\n\n" + body.replace(b"Zanzibar", b"Spacetown"),
          {"outcome": "indexed", "find": "spacetown"})
    write("odd names/line\nbreak.txt", b"Line break\n\n" + body.replace(b"Zanzibar", b"Newlinia"),
          {"outcome": "indexed", "find": "newlinia"})
    raw = os.path.join(news.encode(), b"odd names/latin1-\xe9.txt")  # a name that is not UTF-8
    with open(raw, "wb") as out:
        out.write(b"Not UTF-8\n\n" + body.replace(b"Zanzibar", b"Bytesville"))
    # Paths are kept as UTF-8 (the index, JSON and terminals need it): such a
    # name is reported, not guessed at.
    expected["odd names/latin1-\ufffd.txt"] = {"outcome": "skipped", "reason": "file name is not valid UTF-8"}

    # Links: a loop of folders (entered once: the walk remembers each folder's
    # device and inode), a link to itself, a dangling link, and a pipe.
    os.makedirs(os.path.join(news, "loop/a"), exist_ok=True)
    os.symlink("..", os.path.join(news, "loop/a/up"))
    os.symlink("self", os.path.join(news, "loop/self"))
    os.symlink("nowhere.txt", os.path.join(news, "loop/dangling.txt"))
    write("loop/a/inside.txt", b"Inside\n\n" + body.replace(b"Zanzibar", b"Loopholm"),
          {"outcome": "indexed", "find": "loopholm"})
    expected["loop/self"] = {"outcome": "skipped", "reason": "Too many levels of symbolic links"}
    expected["loop/dangling.txt"] = {"outcome": "skipped", "reason": "broken symbolic link"}
    os.mkfifo(os.path.join(news, "pipe.txt"))  # reading it would block forever
    expected["pipe.txt"] = {"outcome": "skipped", "reason": "not a regular file"}

    # Unreadable (root reads it anyway; the test knows).
    write("unreadable.txt", b"Secret\n\n" + body.replace(b"Zanzibar", b"Lockbury"),
          {"outcome": "skipped", "reason": "permission denied", "unless_root": True})
    os.chmod(os.path.join(news, "unreadable.txt"), 0)

    # What an expanded entity or a read of /etc/passwd would have put in the index.
    result = {"cases": expected, "forbidden": ["lol", "lollollol", "root", "nologin"]}
    with open(os.path.join(root, "expected.json"), "w") as out:
        json.dump(result, out, indent=1, ensure_ascii=False)
    print(f"{len(expected)} cases in {news}")


if __name__ == "__main__":
    main()
