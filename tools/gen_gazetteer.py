#!/usr/bin/env python3
"""Generate the bundled actor gazetteer.

Writes Sources/TextAnalysis/Gazetteer/actors.txt (the format is the article
Sources/TextAnalysis/TextAnalysis.docc/ActorsFile.md) and
Sources/TextAnalysis/Gazetteer+Data.swift, which embeds that file verbatim.

Inputs:
- Debian's iso-codes (ISO 3166-1 countries and territories, ISO 3166-3 former
  countries), /usr/share/iso-codes/json;
- Unicode CLDR English territory names (with their alt="short" and
  alt="variant" forms), /usr/share/unicode/cldr/common/main/en.xml;
- tools/gazetteer/curated.txt, hand-curated blocks in the same format. A
  curated block whose ID is generated changes that actor: its kind and display
  name replace the generated ones, its values are added, and a name it files
  under some key (say "Burma" under `former`) leaves every other key of that
  actor; `remove` takes generated names away. A new ID adds an actor.

Every ISO 3166-1 entry becomes an actor (kind `territory` unless curated says
`country`), ID = alpha-3; the ISO 3166-3 entries in FORMER_STATES too; the
names of the entries in SUCCESSORS become `former` names of today's state. The
output is deterministic: countries and territories by ID, then former states
by ID, then the curated organisations, armed groups, persons and blockers in
curated order. Aliases that two actors share (never recognised in text, so
meant only where a name really is ambiguous) are listed on every run;
DELIBERATELY_SHARED holds the reviewed ones.

Run:   python3 tools/gen_gazetteer.py           # write both files, then check them
Check: python3 tools/gen_gazetteer.py --check   # check the files as they are
Needs: apt-get install iso-codes unicode-cldr-core
"""
import json
import re
import sys
import unicodedata
import xml.etree.ElementTree as ElementTree
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ISO_JSON = Path("/usr/share/iso-codes/json")
ISO_PKGCONFIG = Path("/usr/share/pkgconfig/iso-codes.pc")
CLDR_EN = Path("/usr/share/unicode/cldr/common/main/en.xml")
CLDR_DTD = Path("/usr/share/unicode/cldr/common/dtd/ldml.dtd")
CURATED = ROOT / "tools" / "gazetteer" / "curated.txt"
ACTORS = ROOT / "Sources" / "TextAnalysis" / "Gazetteer" / "actors.txt"
SWIFT = ROOT / "Sources" / "TextAnalysis" / "Gazetteer+Data.swift"

KINDS = ("country", "territory", "organisation", "armed-group", "person", "none")
# Keys whose values are names, in the order the output lists them.
NAME_KEYS = ("official", "alias", "former", "acronym", "demonym", "capital", "surname", "ambiguous", "dateline")
KEYS = ("parent",) + NAME_KEYS + ("remove", "source", "note")
ID_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")
LINE_WIDTH = 100

# ISO 3166-3 former states that are actors of their own (kind from curated).
FORMER_STATES = ("CSK", "DDR", "YUG")
# ISO 3166-3 entries whose name is a `former` name of today's state.
SUCCESSORS = {
    "AFI": "DJI", "BUR": "MMR", "DHY": "BEN", "HVO": "BFA", "NHB": "VUT",
    "RHO": "ZWE", "SCG": "SRB", "SUN": "RUS", "ZAR": "COD",
}
# Actors that ISO 3166-1 lacks but CLDR names: ID -> CLDR territory code.
CLDR_ONLY = {"XKX": "XK"}
# Aliases given to more than one actor on purpose (reviewed): such an alias is
# never recognised in text, and a query naming it lists the candidates.
DELIBERATELY_SHARED = {
    "Congo",        # COD and COG
    "Congolese",    # COD and COG
    "Stoltenberg",  # P-STOLTENBERG-G (1980s) and P-STOLTENBERG-J (NATO)
}


class GazetteerError(Exception):
    pass


class Block:
    def __init__(self, actor_id, kind, name, line=0):
        self.id = actor_id
        self.kind = kind
        self.name = name
        self.line = line
        self.fields = {}  # key -> [values], in insertion order
        self.sources = []

    def add(self, key, values):
        self.fields.setdefault(key, []).extend(values)

    def values(self, key):
        return self.fields.get(key, [])


# MARK: - Words, as Gazette's tokenizer sees them


def strip_marks(text):
    decomposed = unicodedata.normalize("NFD", text.replace("\u2019", "'"))
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if unicodedata.category(c) != "Mn"))


def words(text):
    """The words of `text` as written (a sketch of Sources/TextAnalysis/Tokenizer.swift:
    an apostrophe between letters and a period between letters or digits stay
    inside a word, anything else ends it; a final possessive 's is dropped)."""
    text = text.replace("\u2019", "'")
    out, current = [], ""
    for i, c in enumerate(text):
        previous = current[-1] if current else ""
        following = text[i + 1] if i + 1 < len(text) else ""
        if c.isalnum() or unicodedata.category(c).startswith("M"):
            current += c
        elif c in "'." and previous.isalpha() and following.isalpha():
            current += c
        elif c in ".," and previous.isdigit() and following.isdigit():
            current += c
        else:
            if current:
                out.append(current)
            current = ""
    if current:
        out.append(current)
    return [w[:-2] if len(w) > 2 and w.lower().endswith("'s") else w for w in out]


def key(text):
    """What makes two aliases the same: their folded words."""
    return tuple(strip_marks(w).casefold() for w in words(text))


def demand(word):
    """The case a word of an alias demands (AliasMatcher.CaseDemand)."""
    letters = [c for c in word if c.isalpha()]
    if not letters or not letters[0].isupper():
        return "any"
    if len(letters) >= 2 and not any(c.islower() for c in letters):
        return "capitals"
    return "capitalised"


# MARK: - Reading the actors format


def parse(text, path, allow_remove):
    blocks, current = [], None
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.rstrip("\r")
        content = line.lstrip(" \t")
        if not content or content.startswith("#"):
            continue
        where = "%s:%d" % (path, number)
        if content == line:
            parts = line.split(" ", 2)
            if len(parts) < 3 or not parts[1] or not parts[2].strip():
                raise GazetteerError("%s: a block header is ID KIND DISPLAY NAME" % where)
            actor_id, kind, name = parts[0], parts[1], parts[2]
            if not ID_PATTERN.match(actor_id) or len(actor_id.encode()) > 32:
                raise GazetteerError("%s: %r is not an actor ID" % (where, actor_id))
            if kind not in KINDS:
                raise GazetteerError("%s: unknown kind %r" % (where, kind))
            if name != name.strip() or "  " in name or ";" in name:
                raise GazetteerError("%s: bad display name %r" % (where, name))
            current = Block(actor_id, kind, name, number)
            blocks.append(current)
            continue
        if current is None:
            raise GazetteerError("%s: an indented line before any block" % where)
        if ":" not in content:
            raise GazetteerError("%s: expected 'key: value'" % where)
        field, rest = content.split(":", 1)
        field = field.strip()
        if field not in KEYS or (field == "remove" and not allow_remove):
            raise GazetteerError("%s: unknown key %r" % (where, field))
        if field in ("source", "note", "parent"):
            values = [rest.strip()]
        else:
            values = [v.strip() for v in rest.split(";") if v.strip()]
        if not values or not all(values):
            raise GazetteerError("%s: %s has no value" % (where, field))
        if field == "source":
            current.sources.extend(values)
        else:
            current.add(field, values)
    return blocks


# MARK: - Sources


def package_versions():
    iso = "unknown"
    if ISO_PKGCONFIG.exists():
        match = re.search(r"^Version:\s*(\S+)", ISO_PKGCONFIG.read_text(), re.M)
        if match:
            iso = ".".join(match.group(1).split(".")[:2])
    cldr = "unknown"
    match = re.search(r'cldrVersion\s+CDATA\s+#FIXED\s+"([^"]+)"', CLDR_DTD.read_text())
    if match:
        cldr = match.group(1)
    return iso, cldr


def cldr_territories():
    """CLDR territory code -> {"": name, "short": ..., "variant": ...}."""
    names = {}
    root = ElementTree.parse(CLDR_EN).getroot()
    for element in root.iter("territory"):
        code = element.get("type")
        if code and element.text and element.get("draft") in (None, "contributed", "approved"):
            names.setdefault(code, {})[element.get("alt", "")] = element.text
    return names


def clean(name):
    """A CLDR or ISO name in the form news writes it; None if it has none.

    "Bosnia & Herzegovina" -> "Bosnia and Herzegovina"; "Congo - Kinshasa" ->
    "Congo-Kinshasa"; "Myanmar (Burma)" -> "Myanmar" (the bracket is left to
    curated.txt); "Korea, Republic of" -> "Republic of Korea"; "Virgin
    Islands, British" -> None (the official name says it properly)."""
    name = name.replace("\u2019", "'").replace(" & ", " and ").replace(" - ", "-").strip()
    name = re.sub(r"\s*\([^)]*\)$", "", name)
    if ", " in name:
        head, tail = name.split(", ", 1)
        if re.search(r"\bof( the)?$", tail):
            name = tail + " " + head
        elif " and " not in tail:
            return None
    if name.startswith(("the ", "The ")):
        name = name[4:]
    return name or None


def is_acronym(name):
    return len(words(name)) == 1 and demand(name) == "capitals"


def generate(iso_version, cldr_version):
    iso1 = json.loads((ISO_JSON / "iso_3166-1.json").read_text(encoding="utf-8"))["3166-1"]
    iso3 = json.loads((ISO_JSON / "iso_3166-3.json").read_text(encoding="utf-8"))["3166-3"]
    cldr = cldr_territories()
    iso_tag = "iso-codes %s" % iso_version
    cldr_tag = "CLDR %s en" % cldr_version
    blocks = {}

    def build(actor_id, iso_entry, cldr_names, iso_label):
        display_candidates, aliases, officials = [], [], []
        if cldr_names:
            for alt in ("short", ""):
                if alt in cldr_names:
                    display_candidates.append(cldr_names[alt])
        if iso_entry:
            for field in ("common_name", "name"):
                if field in iso_entry:
                    display_candidates.append(iso_entry[field])
        for raw in display_candidates + ([cldr_names["variant"]] if cldr_names and "variant" in cldr_names else []):
            cleaned = clean(raw)
            if cleaned:
                aliases.append(cleaned)
        if iso_entry:
            if "official_name" in iso_entry:
                officials.append(iso_entry["official_name"])
            if ", " in iso_entry["name"] and re.search(r"\bof( the)?$", iso_entry["name"]):
                officials.append(iso_entry["name"])
        display = next(a for a in aliases if not is_acronym(a))
        block = Block(actor_id, "territory", display)
        seen = {key(display)}

        def put(field, value):
            if value and key(value) not in seen:
                seen.add(key(value))
                block.add("acronym" if is_acronym(value) else field, [value])

        for official in officials:
            put("official", clean(official))
        for alias in aliases:
            put("alias", alias)
        labels = []
        if iso_label:
            labels.append("%s %s" % (iso_tag, iso_label))
        if cldr_names:
            labels.append(cldr_tag)
        block.sources.append("; ".join(labels))
        return block

    for entry in iso1:
        code = entry["alpha_3"]
        blocks[code] = build(code, entry, cldr.get(entry["alpha_2"]), "ISO 3166-1 " + entry["alpha_2"])
    for actor_id, cldr_code in CLDR_ONLY.items():
        blocks[actor_id] = build(actor_id, None, cldr[cldr_code], None)
        blocks[actor_id].sources = ["%s %s" % (cldr_tag, cldr_code)]
    former_states = {}
    for entry in iso3:
        code = entry["alpha_3"]
        short = entry["name"].split(",")[0].strip()
        if code in FORMER_STATES:
            block = Block(code, "country", short)
            block.sources.append("%s ISO 3166-3 %s" % (iso_tag, entry["alpha_2"]))
            former_states[code] = block
        elif code in SUCCESSORS:
            successor = blocks[SUCCESSORS[code]]
            successor.add("former", [short])
            first = successor.sources[0].split("; ")
            first[0] += ", ISO 3166-3 " + entry["alpha_2"]
            successor.sources[0] = "; ".join(first)
    missing = set(FORMER_STATES) - set(former_states)
    if missing:
        raise GazetteerError("ISO 3166-3 lacks %s" % ", ".join(sorted(missing)))
    return blocks, former_states


def merge(generated, former_states, curated):
    """Applies curated.txt; returns the blocks in output order."""
    by_id = dict(generated)
    by_id.update(former_states)
    extra = []
    for block in curated:
        if block.sources:
            raise GazetteerError("%s:%d: curated blocks get their source line from the generator" % (CURATED, block.line))
        base = by_id.get(block.id)
        if base is None:
            if block.values("remove"):
                raise GazetteerError("%s:%d: remove in a new actor" % (CURATED, block.line))
            block.sources = ["curated"]
            by_id[block.id] = block
            extra.append(block)
            continue
        if base.line:
            raise GazetteerError("%s:%d: %s is curated twice" % (CURATED, block.line, block.id))
        base.line = block.line
        taken = {key(v) for k in NAME_KEYS for v in block.values(k)} | {key(v) for v in block.values("remove")}
        taken.add(key(block.name))
        old_name = base.name
        for k in NAME_KEYS:
            if k in base.fields:
                base.fields[k] = [v for v in base.fields[k] if key(v) not in taken]
        if key(old_name) not in taken:
            base.fields.setdefault("alias", []).insert(0, old_name)
        base.kind, base.name = block.kind, block.name
        for k, values in block.fields.items():
            if k != "remove":
                base.add(k, values)
        base.sources = [s + "; curated" for s in base.sources]
    territories = [by_id[i] for i in sorted(generated)]
    if any(b.id in CLDR_ONLY and not b.line for b in territories):
        raise GazetteerError("an actor in CLDR_ONLY has no curated block")
    order = {"organisation": 0, "armed-group": 1, "person": 2, "none": 3}
    for block in extra:
        if block.kind not in order:
            raise GazetteerError("%s:%d: a new %s must be generated (ISO or CLDR_ONLY)" % (CURATED, block.line, block.kind))
    extra.sort(key=lambda b: order[b.kind])  # stable: curated order within a kind
    return territories + [former_states[i] for i in sorted(former_states)] + extra


# MARK: - Writing


HEADER = """\
# Gazette's bundled actor gazetteer: the states, territories, international
# organisations, armed groups, agencies and people that news is about, and
# every name they go by. The format is the article "The actors file"
# (Sources/TextAnalysis/TextAnalysis.docc/ActorsFile.md).
#
# GENERATED FILE, do not edit: change tools/gazetteer/curated.txt or
# tools/gen_gazetteer.py and run
#
#     python3 tools/gen_gazetteer.py
#
# which rewrites this file and Sources/TextAnalysis/Gazetteer+Data.swift (the
# copy compiled into Gazette) and checks both (--check checks only).
#
# Sources, named in each block's `source` line: names of countries and
# territories from Debian's iso-codes %(iso)s (ISO 3166-1 and ISO 3166-3;
# LGPL-2.1-or-later) and Unicode CLDR %(cldr)s English names (Unicode License);
# everything else (kinds, demonyms, capitals, acronyms, former names, datelines,
# organisations, armed groups, persons, blockers) is hand-curated. An alias
# that two actors share is never recognised in text; the shared ones are:
# %(shared)s.
"""

SECTIONS = (
    (lambda b: b.kind in ("country", "territory") and b.id not in FORMER_STATES,
     "Countries (UN members and observers, Taiwan, Kosovo) and territories (ISO 3166-1), by ID"),
    (lambda b: b.id in FORMER_STATES, "Former states (ISO 3166-3) that are actors of their own"),
    (lambda b: b.kind == "organisation", "International organisations, state bodies and agencies, parties"),
    (lambda b: b.kind == "armed-group", "Armed groups"),
    (lambda b: b.kind == "person", "Persons"),
    (lambda b: b.kind == "none", "Blockers: phrases that would otherwise be misread; they name nobody"),
)


def field_lines(field, values):
    lines, current = [], ""
    for value in values:
        candidate = value if not current else current + "; " + value
        if current and len("  %s: %s" % (field, candidate)) > LINE_WIDTH:
            lines.append("  %s: %s" % (field, current))
            current = value
        else:
            current = candidate
    if current:
        lines.append("  %s: %s" % (field, current))
    return lines


def render(blocks, iso_version, cldr_version):
    shared = sorted(DELIBERATELY_SHARED, key=str.casefold)
    out = [HEADER % {"iso": iso_version, "cldr": cldr_version, "shared": ", ".join(shared)}]
    section = None
    for block in blocks:
        title = next(t for test, t in SECTIONS if test(block))
        if title != section:
            section = title
            out.append("\n# " + "=" * 76 + "\n# " + title + "\n")
        lines = ["", "%s %s %s" % (block.id, block.kind, block.name)]
        for field in ("parent",) + NAME_KEYS + ("note",):
            values = block.values(field)
            if field == "note":
                lines += ["  note: " + v for v in values]
            elif values:
                lines += field_lines(field, values)
        lines += ["  source: " + s for s in block.sources]
        out.append("\n".join(lines) + "\n")
    return "".join(out)


def swift_source(actors_text):
    if '"""#' in actors_text or "\\#" in actors_text or "\r" in actors_text:
        raise GazetteerError("actors.txt cannot be embedded in a raw string literal")
    body = "\n".join(("    " + line) if line else "" for line in actors_text.split("\n"))
    return (
        "// swift-format-ignore-file\n"
        "// Generated by tools/gen_gazetteer.py from Sources/TextAnalysis/Gazetteer/actors.txt; do not edit.\n"
        "// The bundled gazetteer, verbatim: a raw string literal, so backslashes and\n"
        "// quotes need no escaping; the indentation before the closing delimiter is\n"
        "// not part of the text.\n"
        "\n"
        "extension Gazetteer {\n"
        '    static let bundledText = #"""\n'
        + body
        + '\n    """#\n'
        "}\n"
    )


def embedded_text(swift):
    """The string that swift_source's literal denotes (the check re-reads it)."""
    match = re.search(r'#"""\n(.*?)\n([ ]*)"""#', swift, re.S)
    if not match:
        raise GazetteerError("%s: no raw string literal" % SWIFT)
    indent = match.group(2)
    lines = match.group(1).split("\n")
    for line in lines:
        if line and not line.startswith(indent):
            raise GazetteerError("%s: a line is indented less than the closing delimiter" % SWIFT)
    return "\n".join(line[len(indent):] for line in lines)


# MARK: - Checking


def check(blocks, verbose=True):
    """Errors (a list of strings) and the shared aliases {key: [(alias, id)]}."""
    errors = []
    ids = {}
    for b in blocks:
        if b.id in ids:
            errors.append("%s is defined twice" % b.id)
        ids[b.id] = b
        if b.values("remove"):
            errors.append("%s: remove in the bundled file" % b.id)
        if not b.sources:
            errors.append("%s: no source line" % b.id)
        parents = b.values("parent")
        if len(parents) > 1:
            errors.append("%s: more than one parent" % b.id)
        if b.kind in ("country", "territory") and b.id in FORMER_STATES and parents:
            errors.append("%s: a former state with a parent" % b.id)
    for b in blocks:
        for p in b.values("parent"):
            if p not in ids:
                errors.append("%s: unknown parent %s" % (b.id, p))
        seen, p = {b.id}, (b.values("parent") or [None])[0]
        while p in ids:
            if p in seen:
                errors.append("%s: a parent cycle through %s" % (b.id, p))
                break
            seen.add(p)
            p = (ids[p].values("parent") or [None])[0]
    owners = {}
    for b in blocks:
        mine = {}
        for field, value in [("name", b.name)] + [(k, v) for k in NAME_KEYS for v in b.values(k)]:
            ws = words(value)
            if not ws:
                errors.append("%s: %s %r has no words" % (b.id, field, value))
                continue
            if all(demand(w) == "any" for w in ws):
                errors.append("%s: %s %r is all lower-case (it would match any case)" % (b.id, field, value))
            if field == "acronym" and len(ws) == 1 and sum(c.isupper() for c in value) < 2 and not re.match(r"[A-Z]\d", value):
                errors.append("%s: acronym %r has fewer than two capitals" % (b.id, value))
            # Within one actor, the same words may recur only with other case
            # demands ("NATO" and "Nato"), or as the display name made ambiguous.
            k = key(value)
            shape = (k, tuple(demand(w) for w in ws))
            if shape in mine and not (field == "ambiguous" and mine[shape] == "name"):
                errors.append("%s: %r appears twice (%s and %s)" % (b.id, value, mine[shape], field))
            mine.setdefault(shape, field)
            owners.setdefault(k, {}).setdefault(b.id, value)
    shared = {k: v for k, v in owners.items() if len(v) > 1}
    deliberate = {key(a) for a in DELIBERATELY_SHARED}
    for k, holders in sorted(shared.items()):
        names = ", ".join("%s (%s)" % (v, i) for i, v in holders.items())
        blocker = any(ids[i].kind == "none" for i in holders)
        if k not in deliberate:
            errors.append("alias shared by %d actors%s: %s" % (len(holders), " incl. a blocker" if blocker else "", names))
    for a in sorted(DELIBERATELY_SHARED):
        if key(a) not in shared:
            errors.append("DELIBERATELY_SHARED names %r, which is not shared" % a)
    return errors, shared


def statistics(blocks, shared):
    kinds = {k: 0 for k in KINDS}
    rules = {k: 0 for k in ("display",) + NAME_KEYS}
    for b in blocks:
        kinds[b.kind] += 1
        rules["display"] += 1
        for k in NAME_KEYS:
            rules[k] += len(b.values(k))
    lines = ["actors: %d (%s)" % (len(blocks), ", ".join("%s %d" % kv for kv in kinds.items()))]
    lines.append("names: %d (%s)" % (sum(rules.values()), ", ".join("%s %d" % kv for kv in rules.items())))
    lines.append("shared aliases (never recognised): " + (
        "; ".join(" / ".join("%s=%s" % (i, v) for i, v in sorted(h.items())) for _, h in sorted(shared.items()))
        or "none"))
    return "\n".join(lines)


def run_check():
    text = ACTORS.read_text(encoding="utf-8")
    blocks = parse(text, ACTORS, allow_remove=False)
    errors, shared = check(blocks)
    if not SWIFT.exists():
        errors.append("%s is missing" % SWIFT)
    elif embedded_text(SWIFT.read_text(encoding="utf-8")) != text:
        errors.append("%s does not embed %s verbatim: rerun the generator" % (SWIFT, ACTORS))
    print(statistics(blocks, shared))
    for e in errors:
        print("error: " + e, file=sys.stderr)
    return 1 if errors else 0


def main(argv):
    if argv[1:] == ["--check"]:
        return run_check()
    if argv[1:]:
        print(__doc__.strip().split("\n\n")[-1], file=sys.stderr)
        return 2
    iso_version, cldr_version = package_versions()
    generated, former_states = generate(iso_version, cldr_version)
    curated = parse(CURATED.read_text(encoding="utf-8"), CURATED, allow_remove=True)
    blocks = merge(generated, former_states, curated)
    text = render(blocks, iso_version, cldr_version)
    ACTORS.parent.mkdir(parents=True, exist_ok=True)
    ACTORS.write_text(text, encoding="utf-8")
    SWIFT.write_text(swift_source(text), encoding="utf-8")
    print("wrote %s and %s" % (ACTORS.relative_to(ROOT), SWIFT.relative_to(ROOT)))
    return run_check()


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except GazetteerError as error:
        print("error: %s" % error, file=sys.stderr)
        sys.exit(1)
