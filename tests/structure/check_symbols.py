#!/usr/bin/env python3
"""check_symbols.py - the layout's rules, checked on the built objects.

    tests/structure/check_symbols.py SOURCE_DIR BUILD_DIR   check a build
    tests/structure/check_symbols.py --self-test  show that each rule can fail

A grep of the sources can be fooled (a macro, a call split over lines); the
objects cannot: `nm` says which functions each file defines and which it
calls in other files. Over the objects of src/ (the core, the team library,
the screens and the command line):

 1. SQLite (sqlite3_*) is called only from src/core/store/; libyaml (yaml_*)
    only from src/core/playbook/ (lint and every other face take positions
    from the core, never parse YAML themselves).
 2. A family's functions used outside it are public: a function defined in
    src/core/FAMILY/ (or src/team/) and called from another folder is
    declared in a header of include/poise/. What only a private header
    declares stays inside its family (src/core/util/'s private grow.h is
    the whole core's, and no face's).
 3. The store's files call each other without a loop. store.c is the store's
    hub (its errors and prepared statements serve every file; opening and
    closing use the others), so it is left out; among the rest, no cycle.
    The side log is a leaf: store_sidelog.c calls, in the store, only
    store.c, store_files.c and store_summary.c. The reader never calls the
    writer (store_read.c calls nothing of store_write.c), and takes stage
    and event kind names from their one table each (stage_from_key,
    event_kind_from_key).
 4. One summary step for the live and the batch writer: store_summary.c
    calls no SQLite, and both store_write.c and store_batch.c call it.
 5. The command table does the set-up: no src/cli/cmd_*.c opens or closes
    the database itself (store_open, store_close); cli.c does, as the
    command's row says.
Each breach is printed as "file: what"; the exit status is 1 when there is
one, 0 when none, 2 when the build cannot be read.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile


def read_objects(build, source=None):
    """{source path under src/: (defined globals, undefined symbols)}; with
    source, only the objects whose file is still there (a file moved or
    removed leaves its old object behind in the build). One nm for all."""
    paths = {}
    for top, _dirs, files in os.walk(os.path.join(build, "CMakeFiles")):
        for f in files:
            if not f.endswith(".c.o"):
                continue
            path = os.path.join(top, f)
            i = path.find("/src/")
            if i < 0:
                continue
            src = path[i + 1:-2]
            if src in paths.values() or (source and not os.path.exists(os.path.join(source, src))):
                continue
            paths[path] = src
    objs = {src: (set(), set()) for src in paths.values()}
    if not paths:
        return objs
    out = subprocess.run(["nm", "-g", "-A"] + sorted(paths), capture_output=True, text=True,
                         check=True).stdout
    for line in out.splitlines():
        path, _, sym = line.partition(": ")
        if path not in paths:
            path = line.split(":", 1)[0]
            sym = line.split(":", 1)[1]
        defs, undef = objs[paths[path]]
        p = sym.split()
        if len(p) == 2 and p[0] == "U":
            undef.add(p[1])
        elif len(p) == 3 and p[1] in "TDBRCVWG":
            defs.add(p[2])
    return objs


def family(src):
    """src/core/store/x.c -> src/core/store; src/team/x.c -> src/team; else its folder."""
    parts = src.split("/")
    if parts[1] == "core":
        return "/".join(parts[:3])
    return "/".join(parts[:2])


def public_names(source):
    text = ""
    inc = os.path.join(source, "include", "poise")
    if os.path.isdir(inc):
        for f in sorted(os.listdir(inc)):
            if f.endswith(".h"):
                with open(os.path.join(inc, f), encoding="utf-8") as h:
                    text += h.read()
    return set(re.findall(r"\b[A-Za-z_][A-Za-z0-9_]*\b", text))


def find_cycle(graph):
    """One cycle of graph {node: set(node)} as a list, or None."""
    state = {}

    def visit(n, path):
        state[n] = 1
        path.append(n)
        for m in sorted(graph.get(n, ())):
            if state.get(m) == 1:
                return path[path.index(m):] + [m]
            if m not in state:
                c = visit(m, path)
                if c:
                    return c
        path.pop()
        state[n] = 2
        return None

    for n in sorted(graph):
        if n not in state:
            c = visit(n, [])
            if c:
                return c
    return None


def check(objs, source):
    bad = []
    where = {}
    for src, (defs, _u) in objs.items():
        for s in defs:
            where.setdefault(s, src)

    # 1. The libraries' own callers.
    for src, (_d, undef) in sorted(objs.items()):
        for lib, prefix, home in (("SQLite", "sqlite3_", "src/core/store"),
                                  ("libyaml", "yaml_", "src/core/playbook")):
            calls = sorted(s for s in undef if s.startswith(prefix))
            if calls and family(src) != home:
                bad.append(f"{src}: calls {lib} ({', '.join(calls[:3])}), which only {home}/ may")

    # 2. Used across a family's edge: public.
    public = public_names(source)
    for src, (_d, undef) in sorted(objs.items()):
        for s in sorted(undef):
            home = where.get(s)
            if not home or family(home) == family(src):
                continue
            fam = family(home)
            if fam == "src/core/util" and src.startswith("src/core/"):
                continue  # the core's shared layer (util/grow.h is the core's own)
            if (fam.startswith("src/core/") or fam == "src/team") and s not in public:
                bad.append(f"{src}: calls {s}, which {home} does not declare in include/poise/")

    # 3. The store's graph.
    store = {src: undef for src, (_d, undef) in objs.items() if family(src) == "src/core/store"}
    graph = {}
    for src, undef in store.items():
        if src.endswith("/store.c"):
            continue
        graph[src] = {where[s] for s in undef
                      if s in where and where[s] in store and where[s] != src
                      and not where[s].endswith("/store.c")}
    cycle = find_cycle(graph)
    if cycle:
        bad.append(f"{cycle[0]}: the store's files call each other in a loop: "
                   + " -> ".join(os.path.basename(c) for c in cycle))
    leaf_ok = {"store.c", "store_files.c", "store_summary.c"}
    for src, callees in sorted(graph.items()):
        names = {os.path.basename(c) for c in callees}
        base = os.path.basename(src)
        if base == "store_sidelog.c" and not names <= leaf_ok - {"store.c"}:
            bad.append(f"{src}: the side log is a leaf, yet calls "
                       + ", ".join(sorted(names - leaf_ok)))
        if base == "store_read.c":
            if "store_write.c" in names:
                bad.append(f"{src}: the reader calls the writer (store_write.c)")
            for table in ("stage_from_key", "event_kind_from_key"):
                if table not in store[src]:
                    bad.append(f"{src}: the reader does not take names from {table}()")

    # 4. One summary step.
    summary = [s for s in store if s.endswith("/store_summary.c")]
    if summary:
        sdefs = objs[summary[0]][0]
        if any(s.startswith("sqlite3_") for s in objs[summary[0]][1]):
            bad.append(f"{summary[0]}: the summary step calls SQLite; it must stay pure")
        for writer in ("store_write.c", "store_batch.c"):
            w = [s for s in store if s.endswith("/" + writer)]
            if w and not (store[w[0]] & sdefs):
                bad.append(f"{w[0]}: does not use the one summary step (store_summary.c)")

    # 5. The command table's set-up.
    for src, (_d, undef) in sorted(objs.items()):
        if re.match(r"src/cli/cmd_[^/]*\.c$", src):
            own = sorted(undef & {"store_open", "store_close"})
            if own:
                bad.append(f"{src}: opens or closes the database itself ({', '.join(own)}); "
                           "its row's CLI_DB_* and cli_store() do")
    return bad


# The self-test: a small tree, compiled, that passes; then one breach at a time.
CLEAN = {
    "include/poise/store.h": "int store_open(void); void store_close(void); int store_get(void);\n"
                             "int stage_from_key(void); int event_kind_from_key(void);\n",
    "src/core/store/store.c": "int sqlite3_open(void); int store_flush(void);\n"
                              "int store_fail(void) { return 0; }\n"
                              "int store_open(void) { return sqlite3_open() + store_flush(); }\n"
                              "void store_close(void) {}\n",
    "src/core/store/store_files.c": "int files_check(void) { return 0; }\n",
    "src/core/store/store_summary.c": "int summary_step(void) { return 0; }\n",
    "src/core/store/store_sidelog.c": "int files_check(void); int summary_step(void); int store_fail(void);\n"
                                      "int sidelog_load(void) { return files_check() + summary_step() + store_fail(); }\n",
    "src/core/store/store_write.c": "int sidelog_load(void); int summary_step(void); int store_fail(void);\n"
                                    "int store_flush(void) { return sidelog_load() + summary_step() + store_fail(); }\n",
    "src/core/store/store_batch.c": "int summary_step(void);\nint batch(void) { return summary_step(); }\n",
    "src/core/store/store_read.c": "int sidelog_load(void); int stage_from_key(void); int event_kind_from_key(void);\n"
                                   "int store_get(void) { return sidelog_load() + stage_from_key() + event_kind_from_key(); }\n",
    "src/core/call/event.c": "int stage_from_key(void) { return 0; }\nint event_kind_from_key(void) { return 0; }\n",
    "src/core/util/grow.c": "int grow_array(void) { return 0; }\n",
    "src/core/call/call.c": "int grow_array(void);\nint call_apply(void) { return grow_array(); }\n",
    "src/core/playbook/playbook_tree.c": "int yaml_parser_parse(void);\nint tree(void) { return yaml_parser_parse(); }\n",
    "src/cli/cli.c": "int store_open(void); void store_close(void);\nint cli_store(void) { store_close(); return store_open(); }\n",
    "src/cli/cmd_show.c": "int cli_store(void); int store_get(void);\nint cmd_show(void) { return cli_store() + store_get(); }\n",
}
BREACHES = [
    ("src/core/report/review_call.c", "int sqlite3_step(void);\nint rc(void) { return sqlite3_step(); }\n"),
    ("src/cli/cmd_lint.c", "int yaml_parser_parse(void);\nint lint(void) { return yaml_parser_parse(); }\n"),
    ("src/ui/draw.c", "int files_check(void);\nint draw(void) { return files_check(); }\n"),
    ("src/ui/draw.c", "int grow_array(void);\nint draw(void) { return grow_array(); }\n"),
    ("src/core/store/store_sidelog.c", "int store_flush(void);\nint sidelog_load(void) { return store_flush(); }\n"),
    ("src/core/store/store_files.c", "int store_get(void);\nint files_check(void) { return store_get(); }\n"),
    ("src/core/store/store_read.c", "int sidelog_load(void); int stage_from_key(void); int event_kind_from_key(void);\n"
                                    "int store_flush(void);\nint store_get(void) { return sidelog_load() + "
                                    "stage_from_key() + event_kind_from_key() + store_flush(); }\n"),
    ("src/core/store/store_read.c", "int sidelog_load(void); int stage_from_key(void);\n"
                                    "int store_get(void) { return sidelog_load() + stage_from_key(); }\n"),
    ("src/core/store/store_summary.c", "int sqlite3_step(void);\nint summary_step(void) { return sqlite3_step(); }\n"),
    ("src/core/store/store_batch.c", "int batch(void) { return 1; }\n"),
    ("src/cli/cmd_followups.c", "int store_open(void);\nint cmd_followups(void) { return store_open(); }\n"),
]


def build_tree(root, files, cache):
    """The tree's sources and objects under root; each distinct source is
    compiled once (cache: {text: object path})."""
    for path, text in files.items():
        full = os.path.join(root, "tree", path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8") as f:
            f.write(text)
        if not path.endswith(".c"):
            continue
        obj = os.path.join(root, "build", "CMakeFiles", "t.dir", path + ".o")
        os.makedirs(os.path.dirname(obj), exist_ok=True)
        if text not in cache:
            cache[text] = os.path.join(cache["dir"], f"{len(cache)}.o")
            subprocess.run(["cc", "-c", "-x", "c", "-o", cache[text], full], check=True)
        shutil.copyfile(cache[text], obj)


def self_test():
    with tempfile.TemporaryDirectory() as objs:
        return run_self_test({"dir": objs})


def run_self_test(cache):
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        build_tree(tmp, CLEAN, cache)
        out = check(read_objects(os.path.join(tmp, "build")), os.path.join(tmp, "tree"))
        if out:
            print("self-test: the clean tree failed:\n  " + "\n  ".join(out))
            return 1
    for path, text in BREACHES:
        with tempfile.TemporaryDirectory() as tmp:
            files = dict(CLEAN)
            files[path] = text
            build_tree(tmp, files, cache)
            out = check(read_objects(os.path.join(tmp, "build")), os.path.join(tmp, "tree"))
            if not out:
                print(f"self-test: not caught: {path}: {text!r}")
                failed = 1
            elif not any(o.startswith(path + ":") for o in out):
                print(f"self-test: caught, but not named: {path}: {out}")
                failed = 1
    if not failed:
        print(f"self-test: each of {len(BREACHES)} breaches fails the check, named")
    return failed


def main():
    if len(sys.argv) == 2 and sys.argv[1] == "--self-test":
        return self_test()
    if len(sys.argv) != 3:
        print("usage: check_symbols.py SOURCE_DIR BUILD_DIR | --self-test", file=sys.stderr)
        return 2
    source, build = sys.argv[1], sys.argv[2]
    objs = read_objects(build, source)
    if not any(s.startswith("src/core/store/") for s in objs):
        print(f"check_symbols: no objects of src/core/store/ under {build}/CMakeFiles", file=sys.stderr)
        return 2
    bad = check(objs, source)
    for b in bad:
        print(b)
    if bad:
        return 1
    print(f"check_symbols: {len(objs)} objects keep the layout's rules")
    return 0


if __name__ == "__main__":
    sys.exit(main())
