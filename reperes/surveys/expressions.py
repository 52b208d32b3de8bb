"""XLSForm expressions (``relevant``, ``constraint``): our own parser and evaluator, no Java, no download.

The subset of XPath 1.0 that questionnaires use: ``${name}`` references (and
``.``, ``../name``, ``/data/name``), strings, numbers, ``and``/``or``,
comparisons, arithmetic and the usual functions (``selected``,
``count-selected``, ``not``, ``string-length``…). :func:`parse` returns a small
tree or raises :class:`ExpressionError` with a French message;
:func:`evaluate` computes it against the answers given so far.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

FUNCTIONS: dict[str, tuple[int, int]] = {  # name → (min args, max args)
    "selected": (2, 2), "count-selected": (1, 1), "not": (1, 1), "string-length": (1, 1),
    "regex": (2, 2), "contains": (2, 2), "starts-with": (2, 2), "ends-with": (2, 2), "today": (0, 0),
    "now": (0, 0), "number": (1, 1), "int": (1, 1), "string": (1, 1), "round": (1, 2), "if": (3, 3),
    "coalesce": (2, 2), "concat": (1, 99), "true": (0, 0), "false": (0, 0), "boolean": (1, 1),
    "date": (1, 1), "decimal-date-time": (1, 1), "selected-at": (2, 2), "count": (1, 1), "sum": (1, 1),
    "floor": (1, 1), "ceiling": (1, 1), "abs": (1, 1), "min": (1, 99), "max": (1, 99), "jr:choice-name": (2, 2),
    "format-date": (2, 2), "substr": (2, 3), "normalize-space": (1, 1), "position": (0, 1),
    "once": (1, 1), "uuid": (0, 1), "string-length-ascii": (1, 1),
}

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<ref>\$\{[^}]*\})
  | (?P<number>\d+(?:\.\d+)?|\.\d+)
  | (?P<string>'[^']*'|"[^"]*")
  | (?P<op><=|>=|!=|=|<|>|\+|-|\*|\(|\)|,)
  | (?P<path>(?:\.\./|/)[A-Za-z_][\w./-]*|\.\.|\.)
  | (?P<name>[A-Za-z_][\w:.-]*)
""", re.VERBOSE)

_REF_NAME = re.compile(r"^[A-Za-z_][\w.-]*$")


class ExpressionError(ValueError):
    """An expression that cannot be read; the message is in French and says what to fix."""


@dataclass(frozen=True)
class Node:
    kind: str  # "num", "str", "ref", "self", "call", "binop", "neg"
    value: Any = None
    args: tuple = ()


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match:
            raise ExpressionError(f"caractère inattendu « {text[pos]} » (position {pos + 1})")
        pos = match.end()
        kind = match.lastgroup
        if kind != "space":
            out.append((kind, match.group()))
    return out


class _Parser:
    def __init__(self, text: str):
        self.tokens = _tokens(text)
        self.i = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise ExpressionError("l'expression s'arrête trop tôt (un opérande ou une parenthèse manque)")
        self.i += 1
        return token

    def expect(self, value: str) -> None:
        token = self.take()
        if token[1] != value:
            raise ExpressionError(f"« {value} » attendu, « {token[1]} » trouvé")

    def parse(self) -> Node:
        if not self.tokens:
            raise ExpressionError("l'expression est vide")
        node = self.or_()
        if self.peek() is not None:
            raise ExpressionError(f"« {self.peek()[1]} » inattendu (opérateur ou parenthèse en trop ?)")
        return node

    def _binary(self, sub, ops: tuple[str, ...]) -> Node:
        node = sub()
        while (token := self.peek()) is not None and token[1] in ops and token[0] in ("op", "name"):
            self.take()
            node = Node("binop", token[1], (node, sub()))
        return node

    def or_(self):
        return self._binary(self.and_, ("or",))

    def and_(self):
        return self._binary(self.eq, ("and",))

    def eq(self):
        return self._binary(self.rel, ("=", "!="))

    def rel(self):
        return self._binary(self.add, ("<", "<=", ">", ">="))

    def add(self):
        return self._binary(self.mul, ("+", "-"))

    def mul(self):
        return self._binary(self.unary, ("*", "div", "mod"))

    def unary(self) -> Node:
        token = self.peek()
        if token is not None and token[1] == "-":
            self.take()
            return Node("neg", None, (self.unary(),))
        return self.primary()

    def primary(self) -> Node:
        kind, value = self.take()
        if kind == "number":
            return Node("num", float(value))
        if kind == "string":
            return Node("str", value[1:-1])
        if kind == "ref":
            name = value[2:-1].strip()
            if not _REF_NAME.match(name):
                raise ExpressionError(f"référence « {value} » invalide : ${{nom_de_question}} attendu")
            return Node("ref", name)
        if kind == "path":
            if value == ".":
                return Node("self")
            name = value.rstrip("/").split("/")[-1]
            return Node("ref", name) if name not in ("", "..") else Node("self")
        if value == "(":
            node = self.or_()
            self.expect(")")
            return node
        if kind == "name":
            if self.peek() is not None and self.peek()[1] == "(":
                self.take()
                if value not in FUNCTIONS:
                    raise ExpressionError(f"fonction « {value}() » inconnue")
                args = []
                if self.peek() is not None and self.peek()[1] == ")":
                    self.take()
                else:
                    args.append(self.or_())
                    while self.peek() is not None and self.peek()[1] == ",":
                        self.take()
                        args.append(self.or_())
                    self.expect(")")
                low, high = FUNCTIONS[value]
                if not low <= len(args) <= high:
                    raise ExpressionError(f"la fonction « {value}() » attend {low} argument(s), "
                                          f"{len(args)} donné(s)")
                return Node("call", value, tuple(args))
            raise ExpressionError(f"« {value} » inattendu : une question s'écrit ${{{value}}}")
        raise ExpressionError(f"« {value} » inattendu")


def parse(text: str) -> Node:
    return _Parser(str(text)).parse()


def references(node: Node) -> set[str]:
    if node.kind == "ref":
        return {node.value}
    found: set[str] = set()
    for arg in node.args:
        found |= references(arg)
    return found


# ------------------------------------------------------------------------ evaluation


def _num(value) -> float:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value).strip().replace(",", "."))
    except ValueError:
        return float("nan")


def _bool(value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0 and value == value
    return bool(value)


def _str(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return " ".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _compare(op: str, left, right) -> bool:
    numeric = isinstance(left, (int, float)) or isinstance(right, (int, float))
    if op in ("=", "!="):
        if numeric:
            a, b = _num(left), _num(right)
            same = a == b
        else:
            same = _str(left) == _str(right)
        return same if op == "=" else not same
    if not numeric and _str(left)[:4].isdigit() and _str(right)[:4].isdigit():
        a, b = _str(left), _str(right)  # ISO dates compare as strings
    else:
        a, b = _num(left), _num(right)
        if a != a or b != b:
            return False
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]


def evaluate(node: Node, answers: Mapping[str, Any], current: Any = None):
    """Value of an expression; an unanswered question reads as the empty string (as in ODK)."""
    kind = node.kind
    if kind in ("num", "str"):
        return node.value
    if kind == "ref":
        value = answers.get(node.value)
        return "" if value is None else value
    if kind == "self":
        return "" if current is None else current
    if kind == "neg":
        return -_num(evaluate(node.args[0], answers, current))
    if kind == "binop":
        op = node.value
        if op == "and":
            return _bool(evaluate(node.args[0], answers, current)) and _bool(evaluate(node.args[1], answers, current))
        if op == "or":
            return _bool(evaluate(node.args[0], answers, current)) or _bool(evaluate(node.args[1], answers, current))
        left, right = (evaluate(a, answers, current) for a in node.args)
        if op in ("=", "!=", "<", "<=", ">", ">="):
            return _compare(op, left, right)
        a, b = _num(left), _num(right)
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if op == "div":
            return a / b if b else float("nan")
        return a % b if b else float("nan")
    return _call(node, answers, current)


def _call(node: Node, answers, current):
    import datetime as dt

    name = node.value
    args = [evaluate(a, answers, current) for a in node.args]

    def items(value) -> list[str]:
        if isinstance(value, (list, tuple)):
            return [str(v) for v in value]
        return _str(value).split()

    if name == "selected":
        return _str(args[1]) in items(args[0])
    if name == "count-selected":
        return float(len(items(args[0])))
    if name == "not":
        return not _bool(args[0])
    if name in ("string-length", "string-length-ascii"):
        return float(len(_str(args[0])))
    if name == "regex":
        try:
            return re.search(_str(args[1]), _str(args[0])) is not None
        except re.error:
            return False
    if name == "contains":
        return _str(args[1]) in _str(args[0])
    if name == "starts-with":
        return _str(args[0]).startswith(_str(args[1]))
    if name == "ends-with":
        return _str(args[0]).endswith(_str(args[1]))
    if name in ("today", "now"):
        return dt.date.today().isoformat()
    if name in ("number", "int", "floor", "ceiling", "abs", "round"):
        import math

        value = _num(args[0])
        if value != value:
            return value
        return {"number": value, "int": float(int(value)), "floor": float(math.floor(value)),
                "ceiling": float(math.ceil(value)), "abs": abs(value), "round": float(round(value))}[name]
    if name in ("string", "normalize-space"):
        return " ".join(_str(args[0]).split()) if name == "normalize-space" else _str(args[0])
    if name == "if":
        return args[1] if _bool(args[0]) else args[2]
    if name == "coalesce":
        return args[0] if _str(args[0]) else args[1]
    if name == "concat":
        return "".join(_str(a) for a in args)
    if name in ("true", "false"):
        return name == "true"
    if name == "boolean":
        return _bool(args[0])
    if name == "selected-at":
        values = items(args[0])
        index = int(_num(args[1]))
        return values[index] if 0 <= index < len(values) else ""
    if name in ("count", "sum", "min", "max"):
        values = [_num(v) for a in args for v in (a if isinstance(a, (list, tuple)) else [a]) if _str(v)]
        if name == "count":
            return float(len(values))
        if name == "sum":
            return float(sum(values))
        return (min if name == "min" else max)(values) if values else float("nan")
    return ""  # date formatting and other display functions do not change what is kept


def is_true(node: Node | None, answers: Mapping[str, Any], current: Any = None) -> bool:
    return True if node is None else _bool(evaluate(node, answers, current))


def to_json(node: Node) -> dict:
    """The tree as plain data, for the answering page's script (static/reperes/surveys.js)."""
    out: dict = {"k": node.kind}
    if node.value is not None:
        out["v"] = node.value
    if node.args:
        out["a"] = [to_json(a) for a in node.args]
    return out
