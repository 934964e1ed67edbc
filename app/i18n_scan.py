"""Find translatable strings and untranslated user-visible text by reading the source (AST).

A developer tool, never imported by the running app: tests/app/test_i18n.py
fails on any finding, and scripts/i18n_extract.py turns the msgids it finds
into the gettext template (app/locale/kasir.pot) and the .po files.
Source files are found by glob (every *.py under app/ and ui/, recursively).
Msgids come from `_()`, `N_()`, `translate_in()`, `_p()`/`NP_()` (with their
context) and `_n()` (singular and plural).
"""

from __future__ import annotations

import ast
import re
import string
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Folders under app/ whose text no shop user reads: the fake Plugipay server
# answers like the real API (English, for developers), and the benchmarks
# print for engineers.
CORE_EXCLUDED = ("app/sandbox/", "app/bench/")

ERROR_BASES = {"KasirError", "ValidationError", "ConflictError", "NotFoundError",
               "PermissionDeniedError"}

# Phase 2: Qt widgets. The rule is on for every module under ui/, found by glob
# (subfolders too): a bare literal that reaches one of the text sinks below fails the test.
UI_RULE_ENABLED = True
# Methods whose every argument a person reads (widgets, models, our Banner and form rows).
QT_TEXT_METHODS = {"setText", "setWindowTitle", "setPlaceholderText", "setToolTip", "setTitle",
                   "setSubTitle", "setStatusTip", "setHorizontalHeaderLabels",
                   "setVerticalHeaderLabels", "addTab", "addItem", "addItems", "insertItem",
                   "setItemText", "setTabText", "setLabelText", "setInformativeText",
                   "setDetailedText", "showMessage", "setWhatsThis", "setAccessibleName",
                   "setAccessibleDescription", "setSuffix", "setPrefix", "setSpecialValueText",
                   "setButtonText", "addButton", "addRow", "insertRow", "setHeaderData",
                   "setPlainText", "setHtml", "show_message", "row"}
QT_TEXT_CONSTRUCTORS = {"QLabel", "QPushButton", "QCheckBox", "QRadioButton", "QGroupBox",
                        "QAction", "QToolButton", "QMenu", "QDialogButtonBox",
                        "QTableWidgetItem", "QListWidgetItem", "QCommandLinkButton",
                        "ReasonDialog", "PreviewDialog"}
QT_TEXT_KEYWORDS = {"text", "placeholderText", "toolTip", "windowTitle", "title", "statusTip",
                    "placeholder"}
QT_MESSAGE_BOX = {"information", "warning", "critical", "question", "about"}
# Static dialogs: (class, method) -> the positions of the caption, label and filter.
QT_STATIC_DIALOGS = {("QInputDialog", "getText"): (1, 2), ("QInputDialog", "getItem"): (1, 2),
                     ("QInputDialog", "getInt"): (1, 2), ("QInputDialog", "getDouble"): (1, 2),
                     ("QInputDialog", "getMultiLineText"): (1, 2),
                     ("QFileDialog", "getSaveFileName"): (1, 3),
                     ("QFileDialog", "getOpenFileName"): (1, 3),
                     ("QFileDialog", "getOpenFileNames"): (1, 3),
                     ("QFileDialog", "getExistingDirectory"): (1,)}
# Where only some arguments are text (the rest are data, kinds, field names).
TEXT_POSITIONS = {"show_message": (0,), "row": (0,), "addItem": (0,), "insertItem": (1,),
                  "addButton": (0,), "addRow": (0,), "insertRow": (1,), "setItemText": (1,),
                  "setTabText": (1,), "addTab": (1,), "setHeaderData": (2,)}
# Our own helpers that put their (title, text) in a dialog: position of each.
UI_HELPERS = {"tell": (1, 2), "offer_restore": (), "warn_chain": ()}
_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"[^\W\d_]{2,}")  # two letters or more: "x" (times) and "Z" (UTC) are not words
# Helpers whose label argument (at this position) ends up inside a message.
LABEL_ARGS = {"clean_text": 2, "check_amount": 2, "validate_reason": 1, "parse_int": 1,
              "parse_amount": 1, "parse_id": 1, "parse_moment": 1, "parse_seconds": 1}
# Phase 3. Calls whose text argument a person reads later: (position, keyword).
# ChainProblem's message (the start-up warning, `kasir verify`), history notes
# (`kasir invoice history`, the History tab), notes handed to apply_remote, sync
# conflicts' messages (record_conflict),
# and the prompts of the command line (getpass, input).
TEXT_ARGS = {"ChainProblem": (3, "message"), "record_history": (7, "note"),
             "seal": (4, "note"), "apply_remote": (None, "note"),
             "getpass": (0, "prompt"), "input": (0, "prompt"),
             "record_conflict": (None, "message")}
# Command-line modules: the second element of every `return payload, text` is
# what the cashier reads, so a literal or f-string reaching it must be `_()`.
CLI_FILES = ("app/cli/",)
CLI_SUFFIX = "/commands.py"
# Calls whose result is already translated (or is not text): the scan does not look inside.
_TRANSLATING = {"_", "N_", "gettext", "translate_in", "_p", "NP_", "pgettext", "_n", "ngettext"}
# Marking functions -> the positions of (context, msgid, plural) in their arguments.
MARKERS = {"_": (None, 0, None), "N_": (None, 0, None), "translate_in": (None, 1, None),
           "_p": (0, 1, None), "NP_": (0, 1, None), "_n": (None, 0, 1)}
# A msgid that builds its plural by hand ("{count} slip(s)") should be `_n()`.
_HAND_PLURAL = re.compile(r"[a-z]\((s|es)\)")


@dataclass(frozen=True)
class Msg:
    msgid: str
    path: str
    line: int
    context: str | None = None
    plural: str | None = None


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    problem: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.problem}"


def placeholders(text: str) -> set[str]:
    names = set()
    for _lit, name, _spec, _conv in string.Formatter().parse(text):
        if name is not None:
            names.add(name)
    return names


def source_files(root: Path = ROOT) -> list[Path]:
    files = []
    for top in ("app", "ui"):
        for path in sorted((root / top).rglob("*.py")):
            rel = path.relative_to(root).as_posix()
            if not rel.startswith(CORE_EXCLUDED):
                files.append(path)
    return files


def _is_literal_text(node: ast.AST) -> bool:
    """A string the programmer typed: a literal, an f-string, literal + x, literal.format()."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return any(c.isalpha() for c in _TAG.sub("", node.value))
    if isinstance(node, ast.JoinedStr):  # markup around values (<b>{name}</b>) is not text
        return any(isinstance(v, ast.Constant)
                   and any(c.isalpha() for c in _TAG.sub("", str(v.value)))
                   for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return _is_literal_text(node.left) or _is_literal_text(node.right)
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "format"):
        return _is_literal_text(node.func.value)
    return False


def _name(func: ast.AST) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def error_classes(trees: dict[str, ast.Module]) -> set[str]:
    """KasirError and every class that inherits from it, wherever it is defined."""
    known = set(ERROR_BASES)
    bases: dict[str, set[str]] = {}
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases.setdefault(node.name, set()).update(
                    n for n in (_name(b) for b in node.bases) if n)
    changed = True
    while changed:
        changed = False
        for cls, parents in bases.items():
            if cls not in known and parents & known:
                known.add(cls)
                changed = True
    return known


def parse_all(root: Path = ROOT) -> dict[str, ast.Module]:
    return {p.relative_to(root).as_posix(): ast.parse(p.read_text(encoding="utf-8"), str(p))
            for p in source_files(root)}


def _shadowing(rel: str, tree: ast.Module) -> list[Finding]:
    """`for x, _ in ...` in a module that imports `_`: the next `_()` call breaks."""
    imports_gettext = any(isinstance(n, ast.ImportFrom) and n.module == "app.i18n"
                          and any(a.name == "_" for a in n.names) for n in tree.body)
    if not imports_gettext:
        return []
    in_comprehension = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            for gen in node.generators:
                in_comprehension.update(id(n) for n in ast.walk(gen.target))
    return [Finding(rel, node.lineno, "assigns to `_`, which shadows the translation function")
            for node in ast.walk(tree)
            if isinstance(node, ast.Name) and node.id == "_" and isinstance(node.ctx, ast.Store)
            and id(node) not in in_comprehension]


def scan(root: Path = ROOT) -> tuple[list[Msg], list[Finding]]:
    """Every literal msgid in `_()` / `N_()` / `translate_in()`, and every rule broken."""
    trees = parse_all(root)
    errors = error_classes(trees)
    msgs: list[Msg] = []
    findings: list[Finding] = []
    for rel, tree in trees.items():
        in_core = rel.startswith("app/")
        ui_checked = UI_RULE_ENABLED and rel.startswith("ui/")
        findings.extend(_shadowing(rel, tree))
        if in_core and (rel.startswith(CLI_FILES) or rel.endswith(CLI_SUFFIX)):
            findings.extend(_cli_findings(rel, tree))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _name(node.func)
            if name in MARKERS and isinstance(node.func, ast.Name):
                findings.extend(_marker(rel, node, name, msgs))
                continue
            if in_core and name in errors:
                msg = node.args[0] if node.args else next(
                    (k.value for k in node.keywords if k.arg == "message"), None)
                if msg is not None and _is_literal_text(msg):
                    findings.append(Finding(rel, node.lineno,
                                            f"{name}(...) message is not wrapped in _(): "
                                            f"{ast.unparse(msg)[:70]}"))
            elif in_core and name == "add" and isinstance(node.func, ast.Attribute) \
                    and len(node.args) == 2 and _is_literal_text(node.args[1]):
                findings.append(Finding(rel, node.lineno,
                                        f"problem message is not wrapped in _(): "
                                        f"{ast.unparse(node.args[1])[:70]}"))
            elif in_core and name in LABEL_ARGS and len(node.args) > LABEL_ARGS[name] \
                    and _is_literal_text(node.args[LABEL_ARGS[name]]):
                findings.append(Finding(rel, node.lineno,
                                        f"{name}() label is not wrapped in _(): "
                                        f"{ast.unparse(node.args[LABEL_ARGS[name]])[:70]}"))
            elif in_core and name in TEXT_ARGS:
                pos, kw = TEXT_ARGS[name]
                arg = node.args[pos] if pos is not None and len(node.args) > pos else next(
                    (k.value for k in node.keywords if k.arg == kw), None)
                if arg is not None:
                    findings.extend(Finding(rel, node.lineno, f"{name}() {kw} is not wrapped in "
                                            f"_(): {ast.unparse(bare)[:70]}")
                                    for bare in _bare_text(arg, {}))
            elif ui_checked:
                findings.extend(_ui_findings(rel, node, name))
        if ui_checked:
            findings.extend(_header_findings(rel, tree))
    return msgs, findings


def _marker(rel: str, node: ast.Call, name: str, msgs: list[Msg]) -> list[Finding]:
    """Record the msgid of one `_()`-like call; its context, msgid and plural must be literals."""
    ctx_pos, id_pos, plural_pos = MARKERS[name]
    parts: dict[str, str | None] = {}
    for part, pos in (("context", ctx_pos), ("msgid", id_pos), ("plural", plural_pos)):
        if pos is None:
            parts[part] = None
            continue
        if len(node.args) <= pos:
            return []
        arg = node.args[pos]
        if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
            return [Finding(rel, node.lineno, f"{name}() needs a literal English {part}, not "
                            f"{ast.unparse(arg)[:60]}")]
        parts[part] = arg.value
    msgs.append(Msg(parts["msgid"], rel, node.lineno, parts["context"], parts["plural"]))
    if name != "_n" and _HAND_PLURAL.search(parts["msgid"] or ""):
        return [Finding(rel, node.lineno, f"a plural built by hand: use _n(singular, plural, n) "
                        f"for {parts['msgid'][:60]!r}")]
    return []


def _assigned(fn: ast.AST) -> dict[str, list[ast.AST]]:
    """name -> every value a function gives it: `x = ...`, `x += ...`, `x.append(...)`."""
    out: dict[str, list[ast.AST]] = {}
    for node in ast.walk(fn):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    out.setdefault(target.id, []).append(node.value)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)) and node.value is not None \
                and isinstance(node.target, ast.Name):
            out.setdefault(node.target.id, []).append(node.value)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in ("append", "extend", "insert") \
                and isinstance(node.func.value, ast.Name):
            out.setdefault(node.func.value.id, []).extend(node.args[-1:])
    return out


def _has_words(node: ast.AST) -> bool:
    """A literal or f-string holding a word (markup and one-letter signs aside)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(_WORD.search(_TAG.sub("", node.value)))
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.Constant) and _WORD.search(_TAG.sub("", str(v.value)))
                   for v in node.values)
    return False


def _bare_text(node: ast.AST, names: dict[str, list[ast.AST]],
               seen: set[str] | None = None) -> list[ast.AST]:
    """The literals and f-strings inside an expression that reach the reader untranslated.

    Looks through `+`, `%`, f-strings, `a if c else b`, `a or b`, lists, tuples,
    comprehensions, `sep.join(...)`, `text.format(...)` and (with `names`) the
    local variables the text is built in. `_()` calls and other calls (formatters
    that translate themselves) end the search."""
    seen = set() if seen is None else seen
    if isinstance(node, ast.Constant):
        return [node] if _has_words(node) else []
    if isinstance(node, ast.JoinedStr):
        out = [node] if _has_words(node) else []
        for v in node.values:
            if isinstance(v, ast.FormattedValue):
                out += _bare_text(v.value, names, seen)
        return out
    if isinstance(node, ast.BinOp):
        return _bare_text(node.left, names, seen) + _bare_text(node.right, names, seen)
    if isinstance(node, ast.IfExp):
        return _bare_text(node.body, names, seen) + _bare_text(node.orelse, names, seen)
    if isinstance(node, ast.BoolOp):
        return [x for v in node.values for x in _bare_text(v, names, seen)]
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return [x for v in node.elts for x in _bare_text(v, names, seen)]
    if isinstance(node, (ast.ListComp, ast.GeneratorExp, ast.SetComp)):
        return _bare_text(node.elt, names, seen)
    if isinstance(node, ast.Starred):
        return _bare_text(node.value, names, seen)
    if isinstance(node, ast.Name):
        if node.id in seen or node.id not in names:
            return []
        seen.add(node.id)
        return [x for v in names[node.id] for x in _bare_text(v, names, seen)]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
            and node.func.attr in ("join", "format", "strip", "rstrip", "lstrip"):
        out = [] if node.func.attr == "join" else _bare_text(node.func.value, names, seen)
        if node.func.attr == "format" and _has_words(node.func.value):
            out = [node]
        return out + [x for a in node.args for x in _bare_text(a, names, seen)]
    return []


def _cli_findings(rel: str, tree: ast.Module) -> list[Finding]:
    """A command handler's `return payload, text`, and any text a CLI module's function returns."""
    out = []
    for fn in ast.walk(tree):
        if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        names = _assigned(fn)
        for node in ast.walk(fn):
            if not isinstance(node, ast.Return) or node.value is None:
                continue
            if isinstance(node.value, ast.Tuple) and len(node.value.elts) == 2:
                text = node.value.elts[1]
            else:  # the helpers that build a handler's text (`_suggest_text`, `_line`)
                text = node.value
            out.extend(Finding(rel, node.lineno, "command output is not wrapped in _(): "
                               f"{ast.unparse(bare)[:70]}")
                       for bare in _bare_text(text, names))
    return out


def _ui_findings(rel: str, node: ast.Call, name: str | None) -> list[Finding]:
    texts: list[ast.AST] = []
    if name in QT_TEXT_METHODS and isinstance(node.func, ast.Attribute):
        texts = [a for i, a in enumerate(node.args)
                 if name not in TEXT_POSITIONS or i in TEXT_POSITIONS[name]]
    elif name in QT_TEXT_CONSTRUCTORS and node.args:
        texts = [node.args[0]]
    elif (name in QT_MESSAGE_BOX and isinstance(node.func, ast.Attribute)
          and _name(node.func.value) == "QMessageBox"):
        texts = list(node.args[1:3])
    elif isinstance(node.func, ast.Attribute) and \
            (_name(node.func.value), name) in QT_STATIC_DIALOGS:
        texts = [node.args[i] for i in QT_STATIC_DIALOGS[(_name(node.func.value), name)]
                 if i < len(node.args)]
    elif name in UI_HELPERS and isinstance(node.func, ast.Name):
        texts = [node.args[i] for i in UI_HELPERS[name] if i < len(node.args)]
    texts += [k.value for k in node.keywords if k.arg in QT_TEXT_KEYWORDS]
    out = []
    for t in texts:
        items = t.elts if isinstance(t, (ast.List, ast.Tuple)) else [t]
        for item in items:
            if _is_literal_text(item):
                out.append(Finding(rel, node.lineno,
                                   f"{name}() shows text not wrapped in _(): "
                                   f"{ast.unparse(item)[:70]}"))
    return out


def _header_findings(rel: str, tree: ast.Module) -> list[Finding]:
    """`headerData` (a model's column titles) returning a bare literal."""
    out = []
    for fn in ast.walk(tree):
        if isinstance(fn, ast.FunctionDef) and fn.name == "headerData":
            for node in ast.walk(fn):
                if isinstance(node, ast.Return) and node.value is not None \
                        and _is_literal_text(node.value):
                    out.append(Finding(rel, node.lineno, "headerData() returns text not "
                                       f"wrapped in _(): {ast.unparse(node.value)[:70]}"))
    return out
