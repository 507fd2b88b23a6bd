"""Model-based test: random sequences of create / open / move / remove / list / exists and
writes into directories, on the embedded backend, checked against an in-memory tree.

The model is a tree of names with layers and the value last written into each directory; it
follows the official binding's rules (partitions included) and predicts each result or error
message. After every step the database must hold exactly the model's tree, every directory
must keep the prefix it was created with and hold its value, prefixes must not overlap except
inside partitions, and no data may remain outside live directories.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from typing import Any, Dict, Optional, Tuple

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

import found
from found._directory import errors

PART = b"partition"
PATHS = st.lists(st.sampled_from(["a", "b", "c"]), min_size=0, max_size=3).map(tuple)
LAYERS = st.sampled_from([None, b"", b"L", PART])


class Node:
    def __init__(self, layer: bytes) -> None:
        self.layer = layer
        self.children: Dict[str, Node] = {}
        self.value: Optional[bytes] = None
        self.prefix: Optional[bytes] = None


class Rejected(Exception):
    """What the model predicts the directory layer raises: the official message."""


class Tree:
    """The model: the official directory layer's rules over a plain tree."""

    def __init__(self) -> None:
        self.root = Node(b"")

    def get(self, path: Tuple[str, ...]) -> Optional[Node]:
        node: Optional[Node] = self.root
        for name in path:
            node = node.children.get(name) if node is not None else None
        return node

    def walk(self, path: Tuple[str, ...], base: int) -> Tuple[str, int]:
        """How the layer rooted at depth `base` looks `path` up: ("missing", d), ("found",
        len) or ("partition", d) when a partition at depth d < len(path) stops it."""
        node = self.get(path[:base])
        assert node is not None
        for depth in range(base + 1, len(path) + 1):
            node = node.children.get(path[depth - 1])
            if node is None:
                return "missing", depth
            if node.layer == PART and depth < len(path):
                return "partition", depth
        return "found", len(path)

    def open(self, path: tuple, layer: Optional[bytes], create: bool, open_ok: bool) -> Node:
        if not path:
            raise Rejected(errors.ROOT_OPEN)
        node = self.get(path)
        if node is not None:
            if not open_ok:
                raise Rejected(errors.EXISTS)
            if layer and node.layer != layer:
                raise Rejected(errors.BAD_LAYER)
            return node
        if not create:
            raise Rejected(errors.MISSING)
        parent = self.root
        for name in path[:-1]:
            parent = parent.children.setdefault(name, Node(b""))
        node = parent.children[path[-1]] = Node(layer or b"")
        return node

    def remove(self, path: tuple, must_exist: bool) -> bool:
        if not path:
            raise Rejected(errors.ROOT_REMOVE)
        if self.get(path) is None:
            if must_exist:
                raise Rejected(errors.MISSING)
            return False
        parent = self.get(path[:-1])
        assert parent is not None
        del parent.children[path[-1]]
        return True

    def move(self, old: tuple, new: tuple, base: int = 0) -> Node:
        if old == new[: len(old)]:
            raise Rejected(errors.MOVE_INTO_SELF)
        old_kind, old_depth = self.walk(old, base)
        new_kind, new_depth = self.walk(new, base)
        if old_kind == "missing":
            raise Rejected(errors.MOVE_SOURCE_MISSING)
        if "partition" in (old_kind, new_kind):
            if old_kind != new_kind or old[:old_depth] != new[:new_depth]:
                raise Rejected(errors.MOVE_ACROSS)
            return self.move(old, new, old_depth)
        if new_kind == "found":
            raise Rejected(errors.MOVE_TARGET_EXISTS)
        parent = self.get(new[:-1])
        if parent is None:
            raise Rejected(errors.MOVE_PARENT_MISSING)
        node = self.get(old)
        assert node is not None
        self.remove(old, True)
        parent.children[new[-1]] = node
        return node

    def items(self, node: Optional[Node] = None, path: tuple = ()) -> list:
        node = node or self.root
        out = []
        for name in sorted(node.children):
            child = node.children[name]
            out.append(((*path, name), child))
            out += self.items(child, (*path, name))
        return out


class DirectoryModel(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.folder = tempfile.mkdtemp(prefix="found-dirmodel-")
        self.db = self.run(found.open(directory=self.folder))
        self.tree = Tree()

    def run(self, awaitable: Any) -> Any:
        return self.loop.run_until_complete(awaitable)

    def teardown(self) -> None:
        self.run(self.db.close())
        self.loop.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def both(self, call: Any, predict: Any) -> Any:
        """Run `call()` on the database and `predict()` on the model; same result or error."""
        try:
            expected: Any = predict()
        except Rejected as exc:
            expected = exc
        try:
            actual = self.run(call())
        except errors.DirectoryError as exc:
            assert isinstance(expected, Rejected), f"unexpected {exc!r}"
            assert str(exc) == str(expected)
            return None
        assert not isinstance(expected, Rejected), f"expected {expected}, got {actual!r}"
        return actual, expected

    def check_node(self, made: Any, node: Node, path: tuple) -> None:
        assert made.get_path() == path and made.get_layer() == node.layer
        assert isinstance(made, found.DirectoryPartition) == (node.layer == PART)
        if node.prefix is None:
            node.prefix = made.rawPrefix
        assert made.rawPrefix == node.prefix

    @rule(path=PATHS, layer=LAYERS, mode=st.sampled_from(["create_or_open", "create", "open"]))
    def open(self, path: tuple, layer: Optional[bytes], mode: str) -> None:
        got = self.both(
            lambda: getattr(found.directory, mode)(self.db, path, layer),
            lambda: self.tree.open(path, layer, mode != "open", mode != "create"),
        )
        if got is not None:
            self.check_node(got[0], got[1], path)

    def some_path(self, data: st.DataObject) -> tuple:
        """Mostly an existing path (so operations meet directories), else any path."""
        existing = [path for path, _ in self.tree.items()]
        if existing and data.draw(st.integers(0, 3)) > 0:
            return data.draw(st.sampled_from(existing))
        return data.draw(PATHS)

    @rule(data=st.data())
    def move(self, data: st.DataObject) -> None:
        old = self.some_path(data)
        new = (*self.some_path(data)[:-1], data.draw(st.sampled_from(["a", "b", "d"])))
        got = self.both(
            lambda: found.directory.move(self.db, old, new), lambda: self.tree.move(old, new)
        )
        if got is not None:
            self.check_node(got[0], got[1], new)

    @rule(data=st.data(), must_exist=st.booleans())
    def remove(self, data: st.DataObject, must_exist: bool) -> None:
        path = self.some_path(data)
        method = found.directory.remove if must_exist else found.directory.remove_if_exists
        got = self.both(lambda: method(self.db, path), lambda: self.tree.remove(path, must_exist))
        if got is not None:
            assert got[0] == got[1]

    @rule(path=PATHS)
    def list_and_exists(self, path: tuple) -> None:
        def predict() -> list:
            node = self.tree.get(path)
            if node is None:
                raise Rejected(errors.MISSING)
            return sorted(node.children)

        got = self.both(lambda: found.directory.list(self.db, path), predict)
        if got is not None:
            assert got[0] == got[1]
        exists = self.run(found.directory.exists(self.db, path))
        assert exists == (self.tree.get(path) is not None)

    @rule(data=st.data(), value=st.binary(min_size=1, max_size=3))
    def write(self, data: st.DataObject, value: bytes) -> None:
        path = self.some_path(data)

        async def call() -> None:
            async def put(tx: found.Transaction) -> None:
                space = await found.directory.open(tx, path)
                found.set(tx, space.pack(("v",)), value)

            await found.transactional(self.db, put)

        def predict() -> None:
            node = self.tree.open(path, None, False, True)
            if node.layer == PART:
                raise Rejected("Cannot pack keys using the root of a directory partition.")
            node.value = value

        self.both(call, predict)

    @invariant()
    def database_matches_the_model(self) -> None:
        async def read(tx: found.Transaction) -> tuple:
            rows = [kv async for kv in found.query(tx, b"", b"\xff")]
            opened = [await found.directory.open(tx, path) for path, _ in self.tree.items()]
            listed = [await found.directory.list(tx, path) for path, _ in everything]
            return rows, opened, listed

        everything = [((), self.tree.root), *self.tree.items()]
        rows, opened, listed = self.run(found.transactional(self.db, read))
        assert listed == [sorted(node.children) for _, node in everything]
        stored = dict(rows)
        live = []
        for (path, node), made in zip(self.tree.items(), opened):
            self.check_node(made, node, path)
            live.append((made.rawPrefix, path, node))
            if node.layer != PART:
                assert stored.get(made.pack(("v",))) == node.value
        for prefix, path, _ in live:  # overlapping prefixes only inside a partition
            for other, other_path, other_node in live:
                if other != prefix and prefix.startswith(other):
                    assert other_node.layer == PART and path[: len(other_path)] == other_path
        for key in stored:  # nothing left outside the node subspace and live directories
            assert key.startswith(b"\xfe") or any(key.startswith(p) for p, _, _ in live)


TestDirectoryModel = DirectoryModel.TestCase
TestDirectoryModel.settings = settings(
    max_examples=25,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
