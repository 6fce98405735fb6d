"""The shape of app/ that docs/ARCHITECTURE.md promises, checked on the source (AST, nothing imported).

Why: the layering (models -> services -> pages / API / CLI) and the size limit are what let the next
feature be written in one obvious place. They drift one convenient import at a time, and a circular import
shows up only as an ImportError in whichever order a test or the server happens to load modules.
"""

from __future__ import annotations

import ast
import textwrap
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / 'app'
MAX_LINES = 500

# Where peewee queries may be written: everything else calls a service.
QUERY_HOMES = ('app.services', 'app.models', 'app.migrations', 'app.db')
# The parts of peewee's Model API that read or write the database (class methods and instance methods).
QUERY_API = frozenset(
    {
        'select',
        'update',
        'delete',
        'insert',
        'insert_many',
        'insert_from',
        'replace',
        'replace_many',
        'raw',
        'get',
        'get_or_none',
        'get_by_id',
        'get_or_create',
        'create',
        'bulk_create',
        'bulk_update',
        'delete_by_id',
        'set_by_id',
        'truncate_table',
        'create_table',
        'drop_table',
    }
)
INSTANCE_QUERY_API = frozenset({'save', 'delete_instance'})


@dataclass(frozen=True, slots=True)
class Import:
    target: str  # the module imported (a submodule when `from package import submodule`)
    names: tuple[str, ...]  # the names taken from it (empty for `import x`)
    line: int
    type_checking: bool  # under `if TYPE_CHECKING:`: read by type checkers only, never run


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix('').parts
    if parts[-1] == '__init__':
        parts = parts[:-1]
    return '.'.join(parts)


@cache
def app_modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(APP.rglob('*.py'))}


@cache
def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding='utf-8'), filename=str(path))


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == 'TYPE_CHECKING') or (
        isinstance(test, ast.Attribute) and test.attr == 'TYPE_CHECKING'
    )


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    """The absolute module of a `from ... import`, relative ones included."""
    if not node.level:
        return node.module or ''
    base = module.split('.') if is_package else module.split('.')[:-1]
    base = base[: len(base) - (node.level - 1)]
    return '.'.join([*base, node.module] if node.module else base)


def imports(module: str) -> list[Import]:
    """Every import statement in the module, at any depth (a function-level import runs too)."""
    path = app_modules()[module]
    return imports_in(parse(path), module, is_package=path.name == '__init__.py')


def imports_in(tree: ast.Module, module: str, *, is_package: bool = False) -> list[Import]:
    found: list[Import] = []

    def visit(node: ast.AST, type_checking: bool) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.body:
                visit(child, True)
            for child in node.orelse:
                visit(child, type_checking)
            return
        if isinstance(node, ast.Import):
            found.extend(Import(alias.name, (), node.lineno, type_checking) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            source = _resolve(module, is_package, node)
            plain: list[str] = []
            for alias in node.names:
                submodule = f'{source}.{alias.name}'
                if submodule in app_modules():  # `from app.pages import x` imports the submodule x
                    found.append(Import(submodule, (), node.lineno, type_checking))
                else:
                    plain.append(alias.name)
            if plain:
                found.append(Import(source, tuple(plain), node.lineno, type_checking))
        for child in ast.iter_child_nodes(node):
            visit(child, type_checking)

    visit(tree, False)
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the app modules it imports when it runs (TYPE_CHECKING-only imports left out)."""
    modules = app_modules()
    return {
        module: {i.target for i in imports(module) if not i.type_checking and i.target in modules} - {module}
        for module in modules
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work: list[tuple[str, list[str]]] = [(root, sorted(graph[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, pending = work[-1]
            if pending:
                nxt = pending.pop(0)
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, sorted(graph.get(nxt, ()))))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return sorted(found)


def in_layer(module: str, *layers: str) -> bool:
    return any(module == layer or module.startswith(layer + '.') for layer in layers)


def where(module: str, line: int) -> str:
    return f'{app_modules()[module].relative_to(ROOT)}:{line}'


# --- tests of the checker itself --------------------------------------------------------------------


def test_the_cycle_finder_finds_a_circle_and_only_the_circle():
    graph = {'a': {'b'}, 'b': {'c'}, 'c': {'a', 'd'}, 'd': set(), 'e': {'e'}}
    assert cycles(graph) == [['a', 'b', 'c']]


def test_the_import_reader_sees_function_level_imports_and_skips_type_checking_ones():
    source = textwrap.dedent(
        """
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            from app.models import User
        def later():
            from app.services import audit
        """
    )
    found = {i.target: i.type_checking for i in imports_in(ast.parse(source), 'app.services.example')}
    assert found['app.models'] is True  # read for the type checker only: not an edge of the graph
    assert 'app.services.audit' in found and found['app.services.audit'] is False
    # `from app.pages import categories` in app/pages/__init__.py is an import of the submodule
    assert 'app.pages.categories' in import_graph()['app.pages']


# --- the rules --------------------------------------------------------------------------------------


def test_no_module_in_app_is_longer_than_500_lines():
    long = {
        str(path.relative_to(ROOT)): count
        for path in app_modules().values()
        if (count := len(path.read_text(encoding='utf-8').splitlines())) > MAX_LINES
    }
    assert long == {}, f'split these along their seams (limit {MAX_LINES} lines): {long}'


def shortest_circle(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """One shortest way round a cycle through the component's first module (breadth first)."""
    start, members = component[0], set(component)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for nxt in sorted(graph[node] & members):
            if nxt == start:
                return [*paths[node], start]
            if nxt not in paths:
                paths[nxt] = [*paths[node], nxt]
                queue.append(nxt)
    return component


def test_the_import_graph_of_app_has_no_cycles():
    graph = import_graph()
    found = cycles(graph)
    detail = []
    for component in found:
        circle = shortest_circle(graph, component)
        steps = [
            f'  {where(module, line)} {module} -> {target}'
            for module, target in zip(circle, circle[1:], strict=False)
            for line in [min(i.line for i in imports(module) if i.target == target and not i.type_checking)]
        ]
        detail.append('\n'.join([f'{len(component)} modules in a circle, e.g.:', *steps]))
    assert found == [], 'import cycles (function-level imports count):\n' + '\n'.join(detail)


def test_services_never_import_nicegui_or_the_layers_above_them():
    above = ('nicegui', 'app.pages', 'app.api', 'app.cli')
    bad = [
        f'{where(module, i.line)} imports {i.target}'
        for module in app_modules()
        if in_layer(module, 'app.services')
        for i in imports(module)
        if in_layer(i.target, *above)
    ]
    assert bad == []


def test_models_never_import_services_or_the_layers_above_them():
    above = ('nicegui', 'fastapi', 'app.services', 'app.pages', 'app.api', 'app.cli', 'app.web')
    bad = [
        f'{where(module, i.line)} imports {i.target}'
        for module in app_modules()
        if in_layer(module, 'app.models', 'app.migrations')
        for i in imports(module)
        if in_layer(i.target, *above)
    ]
    assert bad == []


def test_migrations_never_import_the_live_models():
    """A migration keeps frozen copies of its tables, so a later model change cannot alter what it does."""
    bad = [
        f'{where(module, i.line)} imports {i.target}'
        for module in app_modules()
        if in_layer(module, 'app.migrations')
        for i in imports(module)
        if in_layer(i.target, 'app.models')
    ]
    assert bad == []


@cache
def model_classes() -> frozenset[str]:
    """Every class defined in app/models (the peewee models and their base)."""
    return frozenset(
        node.name
        for module, path in app_modules().items()
        if in_layer(module, 'app.models')
        for node in ast.walk(parse(path))
        if isinstance(node, ast.ClassDef)
    )


def _query_calls(module: str) -> list[str]:
    """Calls of peewee's query API on a model class (`User.select()`, `models.User.get(...)`), and
    `.save()` / `.delete_instance()` on anything (they are peewee's instance writes)."""
    model_names: set[str] = set()  # local names bound to a model class
    model_modules: set[str] = set()  # local names bound to a module of app.models
    tree = parse(app_modules()[module])
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and in_layer(node.module, 'app.models'):
            for alias in node.names:
                if alias.name in model_classes():
                    model_names.add(alias.asname or alias.name)
                elif f'{node.module}.{alias.name}' in app_modules():
                    model_modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.ImportFrom) and node.module == 'app':
            model_modules.update(alias.asname or alias.name for alias in node.names if alias.name == 'models')
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if in_layer(alias.name, 'app.models') and alias.asname:
                    model_modules.add(alias.asname)

    def is_model(expr: ast.expr) -> bool:
        if isinstance(expr, ast.Name):
            return expr.id in model_names
        if isinstance(expr, ast.Attribute) and expr.attr in model_classes():
            dotted = ast.unparse(expr.value)
            return dotted in model_modules or in_layer(dotted, 'app.models')
        return False

    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name = node.func.attr
            if (name in QUERY_API and is_model(node.func.value)) or name in INSTANCE_QUERY_API:
                found.append(f'{where(module, node.lineno)} {ast.unparse(node.func)}(...)')
    return found


def test_the_query_checker_recognises_model_queries():
    assert 'User' in model_classes() and 'Expense' in model_classes()
    assert _query_calls('app.services.users'), 'services query models: the checker must see it'


def test_only_services_models_and_migrations_query_the_database():
    """Pages, API, CLI and the web layer call a service; they never build a peewee query themselves."""
    bad = [call for module in app_modules() if not in_layer(module, *QUERY_HOMES) for call in _query_calls(module)]
    assert bad == [], 'move these queries into a service:\n' + '\n'.join(bad)


def test_only_services_models_and_migrations_import_peewee_beyond_its_errors():
    """Outside the query homes peewee is needed at most for its exception classes (a closed database)."""
    bad = [
        f'{where(module, i.line)} imports {i.target} {", ".join(i.names)}'.rstrip()
        for module in app_modules()
        if not in_layer(module, *QUERY_HOMES)
        for i in imports(module)
        if in_layer(i.target, 'peewee', 'playhouse')
        and not (i.target == 'peewee' and i.names and all(name.endswith('Error') for name in i.names))
    ]
    assert bad == []


def test_i18n_is_a_bottom_layer():
    """app.i18n sits below the services (which import Message from it): it imports nothing else from app."""
    bad = [
        f'{where(module, i.line)} imports {i.target}'
        for module in app_modules()
        if in_layer(module, 'app.i18n')
        for i in imports(module)
        if in_layer(i.target, 'app') and not in_layer(i.target, 'app.i18n')
    ]
    assert bad == []


def test_services_never_translate_now():
    """Services run in worker threads, where the page's language is not current (run.io_bound copies no
    context): they raise lazy Message/Plural, or take `language` explicitly; `_`/gettext/ngettext are the
    adapters' (pages, API, CLI)."""
    eager = {'_', 'gettext', 'ngettext'}
    bad = [
        f'{where(module, i.line)} imports {", ".join(sorted(eager & set(i.names)))} from {i.target}'
        for module in app_modules()
        if in_layer(module, 'app.services')
        for i in imports(module)
        if in_layer(i.target, 'app.i18n') and eager & set(i.names)
    ]
    bad += [
        f'{where(module, node.lineno)} calls i18n.{node.func.attr}'
        for module, path in app_modules().items()
        if in_layer(module, 'app.services')
        for node in ast.walk(parse(path))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in eager
        and ast.unparse(node.func.value) in ('i18n', 'app.i18n')
    ]
    assert bad == []
