"""Which files a run lints, in which order, under which names: `discover` against a plain
reference (os.walk, one glob at a time, os.stat for every file), on a tree with the cases a
walk meets (hidden and skipped folders, default excludes, --exclude with and without '/',
symlinked files and folders, hard links, the same file named twice)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vidlint.core.globs import GlobSet, compile_glob
from vidlint.load import DEFAULT_EXCLUDES, LISTED_NAMES, REQUEST_SUFFIXES, SKIPPED_DIRS, discover


def reference(args: list[str], excludes: tuple[str, ...] = ()) -> list[tuple[str, str, bool, bool]]:
    """What discover did before it walked with os.scandir: every rule spelled out once."""
    globs = [compile_glob(p) for p in (*DEFAULT_EXCLUDES, *excludes)]
    named = [compile_glob(p) for p in excludes]

    def relative(path: Path) -> str:
        return os.path.relpath(path).replace(os.sep, "/") if path.is_absolute() else path.as_posix()

    def display(path: Path) -> str:
        if not path.is_absolute():
            return os.path.normpath(path)
        rel = os.path.relpath(path)
        return str(path) if rel.startswith("..") else rel

    def identity(path: Path) -> object:
        try:
            info = os.stat(path)
        except OSError:
            return os.path.realpath(path)
        return info.st_dev, info.st_ino

    out, seen = [], set()

    def add(path: Path, walked: bool) -> None:
        if identity(path) not in seen:
            seen.add(identity(path))
            out.append((display(path), str(path), path.suffix == ".jsonl", walked))

    for arg in args:
        path = Path(arg)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                here = Path(root)
                prefix = "" if relative(here) == "." else relative(here) + "/"
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_DIRS
                                 and not any(g.matches(prefix + d) for g in globs))
                for name in sorted(files):
                    if name.endswith(REQUEST_SUFFIXES) and not name.startswith(".") \
                            and not any(g.matches(prefix + name) for g in globs):
                        add(here / name, True)
        elif path.exists() or path.is_symlink():
            if not any(g.matches(relative(p)) for g in named for p in (path, *map(Path, path.parts))):
                add(path, False)
    return out


def found(args: list[str], excludes: tuple[str, ...] = ()) -> list[tuple[str, str, bool, bool]]:
    sources, errors = discover(args, excludes)
    assert errors == []
    return [(s.display, str(s.path), s.jsonl, s.found_by_walking) for s in sources]


@pytest.fixture
def tree(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    files = ["a.json", "b.jsonl", "notes.txt", ".hidden.json", "package.json", "x.schema.json",
             "sub/c.json", "sub/deep/d.json", "sub/drafts/e.json", "drafts/f.json", ".git/g.json",
             "node_modules/h.json", "other/drafts/i.json", "other/j.json", "tsconfig.app.json"]
    for name in files:
        (tmp_path / "p" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "p" / name).write_text("{}\n")
    os.symlink("../a.json", tmp_path / "p" / "sub" / "link-to-a.json")  # the same file again
    os.symlink("missing.json", tmp_path / "p" / "broken.json")
    os.symlink("../other", tmp_path / "p" / "sub" / "linked-folder")  # not walked into
    os.link(tmp_path / "p" / "other" / "j.json", tmp_path / "p" / "zz-hard.json")  # one file, two names
    return tmp_path


@pytest.mark.parametrize("args", [["p"], ["./p/"], ["p/sub/../sub", "p"], ["p/a.json", "p"], ["p", "p/a.json"],
                                  ["p/other", "p/other/j.json", "p/zz-hard.json"], ["p/a.json/", "p//b.jsonl/."],
                                  ["p/broken.json/", "p/sub/./c.json"], [""]])
@pytest.mark.parametrize("excludes", [(), ("drafts",), ("p/sub/drafts",), ("sub/*",), ("*.jsonl", "deep")])
def test_discover_walks_like_the_reference(tree, args, excludes):
    assert found(args, excludes) == reference(args, excludes)


@pytest.mark.parametrize("args", [["p"], ["./p/"], ["p/sub/../sub", "p/a.json"], [""], ["{tree}/p"], ["p/*"]])
def test_a_walked_file_carries_the_folder_it_was_found_in(tree, args):
    """Its relative asset paths resolve from that folder: the one its location names. The
    walk hands one string per folder to its files (a file named on the command line has none:
    its folder is worked out from its location)."""
    sources, _ = discover([arg.format(tree=tree) for arg in args])
    walked = [s for s in sources if s.found_by_walking]
    assert walked and all(Path(s.folder) == Path(os.path.dirname(s.location)) for s in walked)
    assert all(s.folder is None for s in sources if not s.found_by_walking)
    by_folder: dict[str, list[str]] = {}
    for s in walked:
        by_folder.setdefault(os.path.dirname(s.location), []).append(s.folder)
    assert all(len({id(folder) for folder in folders}) == 1 for folders in by_folder.values())


def test_absolute_folders_inside_and_outside_the_current_folder(tree, monkeypatch):
    args = [str(tree / "p")]
    assert found(args) == reference(args)
    monkeypatch.chdir(tree / "p" / "sub")
    assert found(args) == reference(args)  # shown as absolute paths
    assert found([str(tree / "p" / "sub")]) == reference([str(tree / "p" / "sub")])  # the current folder


def test_a_walk_lints_each_file_once_and_in_order(tree):
    shown = [display for display, *_ in found(["p"])]
    # the symlink and the hard link are the same files as a.json and other/j.json: linted once
    # a folder's files before its folders, names sorted; hidden, skipped and default-excluded ones
    # left out; the symlink and the hard link are a.json and zz-hard.json again: linted once
    assert shown == ["p/a.json", "p/b.jsonl", "p/broken.json", "p/zz-hard.json", "p/drafts/f.json",
                     "p/other/drafts/i.json", "p/sub/c.json", "p/sub/deep/d.json", "p/sub/drafts/e.json"]
    assert [display for display, *_ in found(["p"], ("p/drafts", "deep"))] == [
        "p/a.json", "p/b.jsonl", "p/broken.json", "p/zz-hard.json", "p/other/drafts/i.json", "p/sub/c.json",
        "p/sub/drafts/e.json"]


def test_an_excluded_folder_named_on_the_command_line_gives_nothing(tree):
    assert found(["p/drafts"], ("drafts",)) == []
    assert found(["p/sub"], ("p/sub",)) == []


def valid_glob(pattern: str) -> bool:
    import re
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "[[": a set inside a set, which re warns about
        try:
            re.purge()
            compile_glob(pattern)
        except (ValueError, FutureWarning):
            return False
    return True


patterns = st.text(alphabet="ab.*?/[]!-", min_size=1, max_size=8).filter(valid_glob)


@given(st.lists(patterns, min_size=1, max_size=4),
       st.lists(st.text(alphabet="ab.-", min_size=1, max_size=4), min_size=1, max_size=4))
def test_a_glob_set_matches_what_any_of_its_globs_matches(patterns, parts):
    globs = [compile_glob(p) for p in patterns]
    path = "/".join(parts)
    assert GlobSet(globs).matches(path) == any(g.matches(path) for g in globs)
    folder = "/".join(parts[:-1])
    if not folder or not GlobSet(globs).matches(folder):  # an entry of a folder no glob names
        assert GlobSet(globs).matches_entry(parts[-1], path) == any(g.matches(path) for g in globs)


def test_the_configuration_and_baseline_in_use_are_never_requests(tree):
    from vidlint.load import file_identity

    config = tree / "p" / "sub" / "c.json"  # say, a baseline kept among the requests
    skip = {file_identity(config)}
    for args in (["p"], ["p/sub/c.json"], ["p/sub/c.json", "p"]):
        sources, errors = discover(args, (), False, skip)
        assert errors == [] and "p/sub/c.json" not in [s.display for s in sources]
        assert len(sources) == len(reference(args)) - 1
    os.symlink(config, tree / "p" / "alias.json")
    assert [s.display for s in discover(["p/alias.json"], (), False, skip)[0]] == []  # the same file


# --- reading a request file: one read for a file that holds the size it says -----------------


def _counting_reads(monkeypatch: pytest.MonkeyPatch, sizes: dict[str, int] | None = None) -> list[int]:
    """Count os.read calls (their requested lengths); ``sizes``: st_size to report for a name."""
    import vidlint.load as load

    asked: list[int] = []
    real_read, real_fstat = os.read, os.fstat

    def read(fd: int, n: int) -> bytes:
        asked.append(n)
        return real_read(fd, n)

    class Reported:  # an os.stat_result with another st_size
        def __init__(self, info: os.stat_result, size: int) -> None:
            self._info, self.st_size = info, size

        def __getattr__(self, name: str) -> object:
            return getattr(self._info, name)

    def fstat(fd: int) -> object:
        info = real_fstat(fd)
        name = os.path.basename(os.readlink(f"/proc/self/fd/{fd}"))
        return Reported(info, sizes[name]) if sizes and name in sizes else info

    monkeypatch.setattr(load.os, "read", read)
    monkeypatch.setattr(load.os, "fstat", fstat)
    return asked


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="names an open file through /proc")
@pytest.mark.parametrize("content", [b"", b"{}", b'{"model": "x"}\n', bytes(range(256)) * 300])
def test_a_file_that_holds_its_size_is_read_whole_in_one_call(tmp_path, monkeypatch, content):
    from vidlint.load import Source, read_source

    (tmp_path / "r.json").write_bytes(content)
    asked = _counting_reads(monkeypatch)
    assert read_source(Source("r.json", str(tmp_path / "r.json"), False)) == content
    assert asked == [len(content) + 1]


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="names an open file through /proc")
@pytest.mark.parametrize("said", [0, 1, 10, 99, 101, 5000])
def test_a_file_that_holds_more_or_less_than_it_says_is_still_read_whole(tmp_path, monkeypatch, said):
    """More (it grew since fstat, or says 0 like /proc's files) or less (cut meanwhile, or a
    file system that reads short): read on to the end, whatever the first read gave."""
    from vidlint.load import Source, read_source

    content = b'{"prompt": "' + b"x" * 86 + b'"}\n'  # 101 bytes
    (tmp_path / "r.json").write_bytes(content)
    asked = _counting_reads(monkeypatch, {"r.json": said})
    assert read_source(Source("r.json", str(tmp_path / "r.json"), False)) == content
    assert asked[0] == said + 1 and len(asked) >= (1 if said == len(content) else 2)


def test_a_file_read_short_by_its_file_system_is_read_whole(tmp_path, monkeypatch):
    """A read that stops short of the size the file says (some network and FUSE file systems)
    is followed by more reads until the end."""
    import vidlint.load as load
    from vidlint.load import Source, read_source

    content = b'{"model": "wan2.7-reference-video", "prompt": "a cat"}\n'
    (tmp_path / "r.json").write_bytes(content)
    real_read = os.read
    monkeypatch.setattr(load.os, "read", lambda fd, n: real_read(fd, min(n, 7)))
    assert read_source(Source("r.json", str(tmp_path / "r.json"), False)) == content


# --- a file its folder's listing calls regular: its size from lseek, one pread, no stat ----------


def _counting_preads(monkeypatch: pytest.MonkeyPatch, size_said: int | None = None) -> tuple[list[int], list[int]]:
    """(pread lengths asked, fstat calls made); ``size_said``: what lseek to the end answers."""
    import vidlint.load as load

    preads: list[int] = []
    fstats: list[int] = []
    real_pread, real_fstat, real_lseek = os.pread, os.fstat, os.lseek

    def pread(fd: int, n: int, offset: int) -> bytes:
        preads.append(n)
        return real_pread(fd, n, offset)

    def fstat(fd: int) -> os.stat_result:
        fstats.append(fd)
        return real_fstat(fd)

    def lseek(fd: int, position: int, how: int) -> int:
        moved = real_lseek(fd, position, how)
        return size_said if size_said is not None and how == os.SEEK_END else moved

    monkeypatch.setattr(load, "_PREAD", pread)
    monkeypatch.setattr(load.os, "fstat", fstat)
    monkeypatch.setattr(load.os, "lseek", lseek)
    return preads, fstats


@pytest.mark.skipif(not hasattr(os, "pread"), reason="pread is POSIX")
def test_walked_and_named_regular_files_are_said_so(tmp_path, monkeypatch):
    (tmp_path / "a.json").write_text("{}")
    (tmp_path / "b.json").symlink_to(tmp_path / "a.json")
    (tmp_path / "c.json").write_text("[]")
    os.mkfifo(tmp_path / "f.json")
    monkeypatch.chdir(tmp_path)
    walked, _ = discover(["."])
    assert {s.display: s.regular for s in walked} == {"a.json": True, "c.json": True, "f.json": False}  # b: a again
    named, _ = discover(["b.json", "f.json"])
    assert [(s.display, s.regular) for s in named] == [("b.json", True), ("f.json", False)]


@pytest.mark.skipif(not hasattr(os, "pread"), reason="pread is POSIX")
@pytest.mark.parametrize("content", [b"{}", b'{"model": "x"}\n', bytes(range(256)) * 300])
def test_a_regular_file_is_read_with_one_pread_and_no_stat(tmp_path, monkeypatch, content):
    from vidlint.load import read_source

    (tmp_path / "r.json").write_bytes(content)
    monkeypatch.chdir(tmp_path)
    [source], _ = discover(["."])
    preads, fstats = _counting_preads(monkeypatch)
    assert read_source(source) == content
    assert preads == [len(content) + 1] and fstats == []


@pytest.mark.skipif(not hasattr(os, "pread"), reason="pread is POSIX")
@pytest.mark.parametrize("said", [0, 1, 10, 100, 102, 5000, 64 * 1024 * 1024 + 1])
def test_a_regular_file_whose_size_is_not_what_lseek_said_is_read_the_checked_way(tmp_path, monkeypatch, said):
    """Grown, cut or says 0 (like /proc's files) between lseek and pread: the offset goes back
    to the start and the checked way (fstat, read to the end) reads the whole file."""
    from vidlint.load import read_source

    content = b'{"prompt": "' + b"x" * 87 + b'"}\n'  # 102 bytes
    (tmp_path / "r.json").write_bytes(content)
    monkeypatch.chdir(tmp_path)
    [source], _ = discover(["."])
    preads, fstats = _counting_preads(monkeypatch, said)
    assert read_source(source) == content
    assert len(fstats) == (0 if said == len(content) else 1)
    assert preads == ([said + 1] if 0 < said <= 64 * 1024 * 1024 else [])


@pytest.mark.skipif(not hasattr(os, "pread"), reason="pread is POSIX")
def test_what_is_no_longer_a_regular_file_is_said_as_before(tmp_path, monkeypatch):
    """A source listed as regular that is by now a FIFO or a folder, or an empty file: the
    checked way says what it is, as for any other source; without pread, the checked way."""
    import vidlint.load as load
    from vidlint.load import PathError, Source, read_source

    os.mkfifo(tmp_path / "fifo.json")
    (tmp_path / "folder.json").mkdir()
    (tmp_path / "empty.json").write_bytes(b"")
    for name, said in (("fifo.json", "not a regular file"), ("folder.json", "is a directory")):
        with pytest.raises(PathError, match=said):
            read_source(Source(name, str(tmp_path / name), False, True, str(tmp_path), True))
    assert read_source(Source("empty.json", str(tmp_path / "empty.json"), False, True, None, True)) == b""
    monkeypatch.setattr(load, "_PREAD", None)
    (tmp_path / "r.json").write_bytes(b"{}")
    preads, fstats = [], []
    real_fstat = os.fstat
    monkeypatch.setattr(load.os, "fstat", lambda fd: fstats.append(fd) or real_fstat(fd))
    assert read_source(Source("r.json", str(tmp_path / "r.json"), False, True, None, True)) == b"{}"
    assert len(fstats) == 1


@pytest.mark.skipif(not hasattr(os, "pread"), reason="pread is POSIX")
@given(content=st.binary(max_size=3000), said=st.one_of(st.none(), st.integers(0, 4000)))
def test_the_regular_way_reads_what_the_checked_way_reads(tmp_path_factory, content, said):
    """Property: whatever the file holds and whatever lseek says of its size, a source read as
    regular gives the bytes the checked way (fstat, read) gives."""
    import vidlint.load as load
    from vidlint.load import Source, read_source

    path = tmp_path_factory.mktemp("read") / "r.json"
    path.write_bytes(content)
    real_lseek = os.lseek

    def lseek(fd: int, position: int, how: int) -> int:
        moved = real_lseek(fd, position, how)
        return said if said is not None and how == os.SEEK_END else moved

    checked = read_source(Source("r.json", str(path), False))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(load.os, "lseek", lseek)
        assert read_source(Source("r.json", str(path), False, True, None, True)) == checked == content


# --- many files named in one folder: the folder listed once instead of a stat each ------------


def _named_tree(root: Path, files: int) -> list[str]:
    """A folder of ``files`` requests and the cases a listing must leave to stat: a symlink to a
    file and one to a folder, a hard link, a folder and a FIFO named like requests, a missing
    name, the same file named twice and spelled two ways, a glob, stdin, a subfolder's files."""
    (root / "sub").mkdir()
    for i in range(files):
        (root / f"r{i:04}.json").write_text("{}")
    for i in range(LISTED_NAMES):
        (root / "sub" / f"s{i:03}.jsonl").write_text("{}\n")
    (root / "alias.json").symlink_to(root / "r0001.json")
    (root / "folder-link.json").symlink_to(root / "sub")
    os.link(root / "r0002.json", root / "hard.json")
    (root / "dir.json").mkdir()
    os.mkfifo(root / "fifo.json")
    names = [f"r{i:04}.json" for i in range(files)] + [f"sub/s{i:03}.jsonl" for i in range(LISTED_NAMES)]
    return names + ["alias.json", "folder-link.json", "hard.json", "dir.json", "fifo.json", "missing.json",
                    "r0003.json", "./r0004.json", "sub/../r0005.json", "r000[67].json", "-"]


@pytest.mark.parametrize("files", [LISTED_NAMES + 5, 2000])
def test_named_files_listed_are_the_files_stat_finds(tmp_path, monkeypatch, files):
    import vidlint.load as load

    names = _named_tree(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    listed = discover(names, ("sub/s001.jsonl",))
    assert len(load._listed_identities(names)) >= files - 2  # the folder was listed
    monkeypatch.setattr(load, "LISTED_NAMES", 10**9)
    assert load._listed_identities(names) == {}
    assert listed == discover(names, ("sub/s001.jsonl",))


def test_a_listed_folder_is_not_stat_ed_file_by_file(tmp_path, monkeypatch):
    import vidlint.load as load

    names = [f"r{i:03}.json" for i in range(LISTED_NAMES)]
    for name in names:
        (tmp_path / name).write_text("{}")
    monkeypatch.chdir(tmp_path)
    stats: list[str] = []
    real_stat = os.stat
    monkeypatch.setattr(load.os, "stat", lambda path, *a, **k: stats.append(path) or real_stat(path, *a, **k))
    sources, errors = discover(names)
    assert [s.display for s in sources] == names and errors == [] and all(s.regular for s in sources)
    assert stats[0] == "." and stats[1] in names and len(stats) == 2  # the folder, and one file to confirm


def test_a_long_listing_for_a_few_names_is_given_up(tmp_path, monkeypatch):
    """64 files named in a folder of 3,000: the listing stops after 4 x 64 + 1,024 entries, and
    the named files it did not reach are stat'ed: the same sources."""
    import vidlint.load as load

    for i in range(3000):
        (tmp_path / f"r{i:04}.json").write_text("{}")
    names = [f"r{i:04}.json" for i in range(0, 3000, 3000 // LISTED_NAMES)][:LISTED_NAMES]
    monkeypatch.chdir(tmp_path)
    assert len(load._listed_identities(names)) < LISTED_NAMES
    listed = discover(names)
    monkeypatch.setattr(load, "LISTED_NAMES", 10**9)
    assert listed == discover(names)


def test_a_listing_whose_numbers_are_not_stat_s_is_not_used(tmp_path, monkeypatch):
    """Where a folder's listing gives other inode numbers than stat (some FUSE file systems),
    its files are stat'ed: the configuration in use, named among them, is still left out."""
    import vidlint.load as load

    names = [f"r{i:03}.json" for i in range(LISTED_NAMES)]
    for name in names:
        (tmp_path / name).write_text("{}")
    monkeypatch.chdir(tmp_path)
    skip = [load.file_identity("r007.json")]
    assert len(load._listed_identities(names)) == LISTED_NAMES
    real_identity = load.file_identity
    monkeypatch.setattr(load, "file_identity", lambda path, info=None: ("other", *real_identity(path, info)[1:])
                        if info is None else real_identity(path, info))
    assert load._listed_identities(names) == {}
    monkeypatch.setattr(load, "file_identity", real_identity)
    sources, _ = discover(names, (), False, skip)
    assert "r007.json" not in [s.display for s in sources] and len(sources) == LISTED_NAMES - 1
