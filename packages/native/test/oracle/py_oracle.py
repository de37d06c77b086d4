"""Reference outline from python3's own `ast`, mapped to @weft/native's symbol rules.

Reads a JSON list of file paths on stdin; prints a JSON object path -> { symbols, imports } (or null when the file
does not parse with this python)."""
import ast
import json
import re
import sys

CONST = re.compile(r"^[A-Z0-9_]*[A-Z][A-Z0-9_]*$")


def var_kind(name):
    return "constant" if CONST.match(name) else "variable"


def block(body, parent, out):
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            add(out, node.name, "method" if parent else "function", node, parent)
        elif isinstance(node, ast.ClassDef):
            add(out, node.name, "class", node, parent)
            block(node.body, node.name, out)
        elif isinstance(node, ast.Assign):
            for t in node.targets:
                if isinstance(t, ast.Name):
                    add(out, t.id, var_kind(t.id), node, parent)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            add(out, node.target.id, var_kind(node.target.id), node, parent)


def add(out, name, kind, node, parent):
    s = {"name": name, "kind": kind, "startLine": node.lineno, "endLine": node.end_lineno}
    if parent:
        s["parent"] = parent
    out.append(s)


def main():
    paths = json.load(sys.stdin)
    res = {}
    for p in paths:
        try:
            with open(p, "rb") as f:
                tree = ast.parse(f.read())
        except (SyntaxError, ValueError, UnicodeDecodeError):
            res[p] = None
            continue
        out = []
        block(tree.body, None, out)
        imports = []
        # Every import statement, at any depth (functions, try/except, if, class bodies).
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    imports.append({"source": a.name, "line": node.lineno})
            elif isinstance(node, ast.ImportFrom):
                imports.append({"source": "." * (node.level or 0) + (node.module or ""), "line": node.lineno})
        imports.sort(key=lambda x: (x["line"], x["source"]))
        res[p] = {"symbols": out, "imports": imports}
    json.dump(res, sys.stdout)


main()
