"""Real paths are resolved once per lint, and afresh for the next one."""

import os
import threading

from modellint.pathcache import MAX_FOLDERS, real_path, remembering_folders, resolving_once


def test_a_path_resolves_once_within_a_lint_and_afresh_after(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    link = tmp_path / "model"
    link.symlink_to(tmp_path / "a")
    with resolving_once():
        assert real_path(str(link)) == str(tmp_path / "a")
        link.unlink()
        link.symlink_to(tmp_path / "b")  # changed mid-lint: the lint keeps one answer
        assert real_path(str(link)) == str(tmp_path / "a")
        with resolving_once():  # nested (a lint inside a lint) shares the outer answers
            assert real_path(str(link)) == str(tmp_path / "a")
        assert real_path(str(link)) == str(tmp_path / "a")
    assert real_path(str(link)) == str(tmp_path / "b")  # the next lint sees the change


def test_each_thread_resolves_for_its_own_lint(tmp_path):
    (tmp_path / "a").mkdir()
    link = tmp_path / "model"
    link.symlink_to(tmp_path / "a")
    seen = []
    with resolving_once():
        real_path(str(link))

        def other() -> None:  # no lint running in this thread: no memo
            link.unlink()
            os.mkdir(link)
            seen.append(real_path(str(link)))

        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
        assert real_path(str(link)) == str(tmp_path / "a")
    assert seen == [str(link)]


def test_an_audit_resolves_each_folder_once_with_realpaths_answers(tmp_path):
    real = tmp_path / "real"
    (real / "org" / "model").mkdir(parents=True)
    (real / "org" / "other").mkdir()
    (tmp_path / "clones").symlink_to(real)  # the folder is a link
    (real / "org" / "linked").symlink_to(real / "org" / "other")  # the target is a link
    (real / "org" / "loop").symlink_to(real / "org" / "loop")
    clones = tmp_path / "clones" / "org"
    paths = [str(clones / "model"), str(clones / "linked"), str(clones / "missing"),
             str(clones / "loop"), str(clones / ".." / "org" / "model"), str(clones) + "/model/",
             "relative/name", str(clones / "model" / "..")]
    with remembering_folders():
        for path in paths:
            assert real_path(path) == os.path.realpath(path), path
        # The folder is remembered for the audit: a change to it mid-audit is not seen...
        (tmp_path / "clones").unlink()
        (tmp_path / "clones").symlink_to(tmp_path / "real" / "org")
        assert real_path(str(clones / "model")) == str(real / "org" / "model")
        # ...but each target's own name is looked at every time.
        (real / "org" / "model").rmdir()
        (real / "org" / "model").symlink_to(real / "org" / "other")
        assert real_path(str(clones / "model")) == str(real / "org" / "other")
    # After the audit, realpath itself again.
    assert real_path(str(clones / "model")) == os.path.realpath(clones / "model")


def test_the_folder_memo_is_bounded(tmp_path):
    with remembering_folders():
        for n in range(MAX_FOLDERS + 10):
            path = f"{tmp_path}/f{n}/model"
            assert real_path(path) == os.path.realpath(path)
        from modellint import pathcache

        assert pathcache._folders is not None and len(pathcache._folders) == MAX_FOLDERS
