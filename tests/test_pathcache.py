"""Real paths are resolved once per lint, and afresh for the next one."""

import os
import threading

from modellint.pathcache import real_path, resolving_once


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
