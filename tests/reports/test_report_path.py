"""The report path: plain imports, chapters that fail in their place, never a raw figure when the
period's publication cannot be built."""

from __future__ import annotations

import ast
from html import unescape
from pathlib import Path

import pytest
from report_helpers import build

from reperes.documents import Table, render_html

REPORTS = Path(__file__).resolve().parents[2] / "reperes" / "reports"


def section_text(document, slug: str) -> str:
    section = next(s for s in document.sections if s.slug == slug)
    return unescape(render_html(document.__class__(title="x", sections=[section])))


def test_no_module_of_the_report_path_imports_by_name():
    for path in REPORTS.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                assert all(alias.name != "importlib" for alias in node.names), path
            if isinstance(node, ast.ImportFrom):
                assert node.module != "importlib", path


def test_a_failing_provider_leaves_the_rest_of_its_section(monkeypatch):
    from reperes.reports import builder

    def broken(ctx):
        raise RuntimeError("boom")

    monkeypatch.setattr(builder, "PROVIDERS", {"territoire-et-besoins": (broken,)})
    document = build(providers=True)
    text = section_text(document, "territoire-et-besoins")
    assert "Intercommunalités du territoire" in text  # the chapter's own table stays
    assert "Une partie de ce chapitre n’a pas pu être produite (RuntimeError)" in text


def test_without_the_periods_publication_no_figure_is_shown(monkeypatch):
    from reperes.analytics import period_publication as publication
    from reperes.reports.builder import DisclosureRefused

    def broken(*args, **kwargs):
        raise RuntimeError("solver unavailable")

    monkeypatch.setattr(publication, "build", broken)
    document = build(diffusion=False)
    for slug in ("participants-et-public-potentiel", "parcours-et-etapes", "actions-et-experimentations",
                 "sorties"):
        text = section_text(document, slug)
        assert "Les chiffres de la période n’ont pas pu être calculés" in text, slug
        section = next(s for s in document.sections if s.slug == slug)
        assert not [n for _level, n in document.__class__(title="x", sections=[section]).walk()
                    if isinstance(n, Table)], slug
    with pytest.raises(DisclosureRefused):
        build(diffusion=True)
